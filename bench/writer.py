"""bench/RESULTS.md: the machine, the versions, one table per section, and the notes on fixes."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from bench.core import Context, Figure, Section

NOTES_DIR = Path(__file__).resolve().parent / "notes"


def write(out: Path, ctx: Context, sections: list[Section], argv: list[str]) -> None:
    parts = [_header(ctx, argv), *(_section(s, ctx) for s in sections), _notes()]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n\n".join(parts) + "\n")


def _header(ctx: Context, argv: list[str]) -> str:
    from django.conf import settings

    from bench.server import GUNICORN_SETTINGS

    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m bench`); every figure is the median of its runs, "
        "and every run is shown.",
        "",
        f"- **Run**: {_make_command(argv)} (size {ctx.size}, {ctx.runs} runs), "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- **Machine**: {machine()}",
        f"- **Versions**: {', '.join(f'{k} {v}' for k, v in versions(ctx).items())}",
        f"- **Throttling** (on, as in production; rates from the environment): "
        f"`API_USER_THROTTLE_RATE={rates['user']}`, `API_TOKEN_THROTTLE_RATE={rates['token']}`",
        f"- **gunicorn** (the same for every endpoint): `{' '.join(GUNICORN_SETTINGS)}`",
    ]
    if ctx.smoke:
        lines.append("- **Smoke run**: sizes too small to judge targets; none is judged.")
    return "\n".join(lines)


def _make_command(argv: list[str]) -> str:
    return f'`make bench ARGS="{" ".join(argv)}"`' if argv else "`make bench`"


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line),
        platform.processor() or "unknown CPU",
    )
    return (
        f"{model}, {os.cpu_count()} cores, {_memory()} memory, "
        f"{platform.system()} {platform.release()}"
    )


def _memory() -> str:
    meminfo = Path("/proc/meminfo")
    if not meminfo.exists():
        return "unknown"
    kib = int(meminfo.read_text().split("MemTotal:", 1)[1].split()[0])
    return f"{kib / 1024 / 1024:.1f} GiB"


def versions(ctx: Context) -> dict[str, str]:
    return {
        "Python": platform.python_version(),
        "Django": version("django"),
        "DRF": version("djangorestframework"),
        "Celery": version("celery"),
        "gunicorn": version("gunicorn"),
        "PostgreSQL": _postgres_version(),
        "Redis": _redis_version(ctx.redis_url),
        "wrk": wrk_version(),
    }


def _postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


def _redis_version(url: str) -> str:
    import redis

    return str(redis.Redis.from_url(url).info("server")["redis_version"])


def wrk_version() -> str:
    try:
        done = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=5)
    except OSError:
        return "not installed"
    # "wrk debian/4.1.0-3+b2 [epoll] Copyright ..." (and a usage text, exit status 1).
    words = (done.stdout or done.stderr).split()
    return words[1] if len(words) > 1 else "unknown"


def _section(section: Section, ctx: Context) -> str:
    lines = [
        f"## {section.title}",
        "",
        "| figure | median | runs | unit | target | met | command |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *(_row(f, ctx) for f in section.figures),
    ]
    if section.notes:
        lines += ["", *(f"- {note}" for note in section.notes)]
    return "\n".join(lines)


def _row(f: Figure, ctx: Context) -> str:
    target = "-" if f.target is None else f"{'>=' if f.at_least else '<='} {_num(f.target)}"
    if f.met is None:
        met = "-"
    elif ctx.smoke:
        met = "not judged (smoke)"
    else:
        met = "met" if f.met else "**missed**"
    label = f"{f.label} ({f.note})" if f.note else f.label
    cells = [
        label,
        _num(f.median),
        ", ".join(_num(r) for r in f.runs),
        f.unit,
        target,
        met,
        f"`{f.command}`",
    ]
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def _num(value: float) -> str:
    if value == int(value) and abs(value) < 1e9:
        return str(int(value))
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"


def refresh_notes(out: Path) -> None:
    """Rewrite the "Profiled and fixed" part of a RESULTS.md from bench/notes, keeping figures.

    Notes are written after the run whose profile they explain; quoting them must not need
    measuring again.
    """
    text = out.read_text()
    heading = "## Profiled and fixed"
    if heading not in text:
        raise SystemExit(f"bench: {out} has no {heading!r} part to refresh")
    out.write_text(text[: text.index(heading)] + _notes() + "\n")


def _notes() -> str:
    notes = sorted(NOTES_DIR.glob("*.md")) if NOTES_DIR.exists() else []
    body = [path.read_text().strip() for path in notes]
    if not body:
        body = ["Nothing yet: no target was missed and fixed."]
    return "\n\n".join(["## Profiled and fixed", *body])
