"""gunicorn on a spare loopback port, and wrk against it: the two processes of item 1."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.processes import spare_port, stop, wait_for

ROOT = Path(__file__).resolve().parent.parent
# Two cores, shared with wrk and PostgreSQL: one worker per core, and two threads each so that
# a worker waiting on PostgreSQL or Redis still serves another request. More workers or threads
# only add context switches on two cores (tried: 3 workers, and 4 threads, were not faster).
GUNICORN_SETTINGS = ("--workers", "2", "--worker-class", "gthread", "--threads", "2")
# Enough connections to keep both workers' threads busy, from one wrk thread (it needs a core
# share too). A slow answer is measured, not dropped: wrk's default 2 s timeout would leave the
# slowest requests out of the percentiles.
WRK_SETTINGS = ("-t1", "-c8", "--timeout", "30s")


@contextmanager
def gunicorn(log: Path) -> Iterator[str]:
    """Serve the project (bench settings, inherited from the environment); yields its base URL."""
    port = spare_port()
    command = [
        sys.executable, "-m", "gunicorn", "readiness.wsgi:application",
        "--bind", f"127.0.0.1:{port}", *GUNICORN_SETTINGS,
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        if not wait_for(lambda: _answers(f"{base}/health/"), timeout=30):
            raise RuntimeError(f"gunicorn did not start; see {log}:\n{log.read_text()[-2000:]}")
        yield base
    finally:
        stop(process)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float


def wrk_command(
    url: str, seconds: int, token: str | None, headers: tuple[str, ...] = ()
) -> list[str]:
    sent = [f"Authorization: Token {token}"] if token else []
    header = [part for line in (*sent, *headers) for part in ("-H", line)]
    return ["wrk", *WRK_SETTINGS, f"-d{seconds}s", "--latency", *header, url]


def shown(command: list[str]) -> str:
    """The command as RESULTS.md prints it: the token is a placeholder, the port a variable."""
    text = " ".join(f'"{part}"' if " " in part else part for part in command)
    text = re.sub(r"Token [0-9a-f]+", "Token $TOKEN", text)
    text = re.sub(r"sessionid=\w+", "sessionid=$SESSION", text)
    text = re.sub(r'If-None-Match: "[0-9a-f]+"', "If-None-Match: $ETAG", text)
    return re.sub(r"http://127\.0\.0\.1:\d+", "http://127.0.0.1:$PORT", text)


def wrk(url: str, seconds: int, token: str | None, headers: tuple[str, ...] = ()) -> WrkResult:
    done = subprocess.run(
        wrk_command(url, seconds, token, headers),
        capture_output=True,
        text=True,
        timeout=seconds + 30,
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


def parse_wrk(output: str) -> WrkResult:
    """Requests/s and the p50 and p99 latency of `wrk --latency`; errors make the run invalid."""
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if bad:
        raise RuntimeError(f"wrk saw {bad.group(1)} error responses (throttled?):\n{output}")
    if "Socket errors" in output:
        raise RuntimeError(f"wrk saw socket errors:\n{output}")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rps is None:
        raise RuntimeError(f"no Requests/sec in wrk's output:\n{output}")
    if float(rps.group(1)) == 0:
        raise RuntimeError(f"wrk completed no request, the run was too short:\n{output}")
    return WrkResult(float(rps.group(1)), _percentile(output, "50"), _percentile(output, "99"))


def _percentile(output: str, which: str) -> float:
    found = re.search(rf"^\s+{which}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"no {which}% latency in wrk's output (--latency?):\n{output}")
    return float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]
