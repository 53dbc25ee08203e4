"""The benchmark harness runs end to end at smoke size, so that `make bench` never rots.

No timing is asserted: a smoke run is too small (and CI too noisy) to judge a target; this checks
that every measurement runs against real processes and reports what RESULTS.md promises.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from urllib.parse import urlparse

import pytest

from conftest import require
from tests.processes import ROOT

pytestmark = pytest.mark.e2e
MEASURES = "scoring,planner,queries,api,portfolio,celery,reads"
SECTIONS = [
    "## 1. API throughput",
    "## 2. Queries per request",
    "## 3. The scoring engine alone",
    "## 7. The target planner alone",
    "## 8. The portfolio page",
    "## 4. Celery end to end",
    "## 9. Reads while busy",
    "## Profiled and fixed",
]


def own_database(postgres_url: str) -> str:
    """The bench's own database beside the test one: `<db>_bench_smoke`."""
    parsed = urlparse(postgres_url)
    return parsed._replace(path=f"{parsed.path}_bench_smoke").geturl()


def own_redis(redis_url: str) -> str:
    """Another Redis DB than the tests' (the bench purges its broker queue)."""
    if os.environ.get("BENCH_SMOKE_REDIS_URL"):
        return os.environ["BENCH_SMOKE_REDIS_URL"]
    parsed = urlparse(redis_url)
    number = int(parsed.path.strip("/") or 0)
    return parsed._replace(path=f"/{(number + 8) % 16}").geturl()


@pytest.fixture(scope="module")
def results(postgres_url, redis_url, tmp_path_factory) -> str:
    require(shutil.which("wrk") is not None, "wrk is not installed (bin/system-packages)")
    out = tmp_path_factory.mktemp("bench") / "RESULTS.md"
    env = os.environ | {
        "DATABASE_URL": own_database(postgres_url),
        "REDIS_URL": own_redis(redis_url),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--size", "smoke", "--runs", "1",
         "--only", MEASURES, "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=360,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    return out.read_text()


def table_rows(text: str) -> list[list[str]]:
    measured = text.split("## Profiled and fixed")[0]  # the notes have tables of their own
    lines = [line.strip().strip("|") for line in measured.splitlines() if line.startswith("| ")]
    rows = [[cell.strip() for cell in line.split(" | ")] for line in lines]
    return [row for row in rows if row[0] not in {"figure", "---"}]


def test_a_smoke_run_reports_every_section_with_positive_figures_and_commands(results):
    for heading in SECTIONS:
        assert heading in results
    rows = table_rows(results)
    labels = [row[0] for row in rows]
    for expected in ("report: throughput", "list, 50 items: p99 latency", "scoring / no-op"):
        assert any(expected in label for label in labels), (expected, labels)
    for label, median, runs, _unit, _target, met, command in rows:
        # Differences of constant counts are 0, and so are the queries of a cached answer.
        may_be_zero = "minus" in label or " - " in label or "from the cache" in label
        assert float(median) > 0 or (may_be_zero and float(median) == 0), label
        assert len(runs.split(", ")) == 1, label  # --runs 1
        assert met in {"-", "not judged (smoke)"}, label
        assert command.startswith("`") and ("make bench" in command or "wrk " in command), label


def test_a_smoke_run_quotes_every_hand_written_note_verbatim(results):
    notes = sorted((ROOT / "bench" / "notes").glob("*.md"))
    for note in notes:
        assert note.read_text().strip() in results, note.name


def test_a_smoke_run_names_the_throttle_rates_and_the_machine(results):
    assert re.search(r"`API_USER_THROTTLE_RATE=\d+/\w+`", results)
    assert re.search(r"`API_TOKEN_THROTTLE_RATE=\d+/\w+`", results)
    for name in ("Machine", "PostgreSQL", "Redis", "wrk", "gunicorn", "Celery"):
        assert name in results
