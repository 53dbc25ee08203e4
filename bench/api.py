"""Item 1: API throughput under gunicorn, beside a bare view in the same server, from wrk."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.core import Context, Figure, Section
from bench.fixtures import api_data
from bench.queries import list_url, report_url
from bench.server import WrkResult, gunicorn, shown, wrk, wrk_command
from bench.urls import BARE_PATH

REPORT_TARGET, LIST_TARGET = 0.5, 0.4
LIST_PAGE_SIZE = 50


def measure(ctx: Context) -> Section:
    data = api_data()
    paths = {
        "bare view": (f"/{BARE_PATH}", None),
        "report": (report_url(data.report_many), data.token),
        f"list, {LIST_PAGE_SIZE} items": (list_url(LIST_PAGE_SIZE), data.token),
    }
    # Smoke: 2 s, so that even a report slowed to a second by a busy CI machine completes.
    warmup, seconds = (1, 2) if ctx.smoke else (2, 10)
    results: dict[str, list[WrkResult]] = {name: [] for name in paths}
    with tempfile.TemporaryDirectory() as tmp, gunicorn(Path(tmp) / "gunicorn.log") as base:
        for _ in range(ctx.runs):
            # Endpoints take turns within a run, so a noisy moment hits all three alike.
            for name, (path, token) in paths.items():
                wrk(base + path, warmup, token)
                results[name].append(wrk(base + path, seconds, token))
    commands = {
        name: shown(wrk_command(f"http://127.0.0.1:0{path}", seconds, token))
        for name, (path, token) in paths.items()
    }
    figures = [f for name in paths for f in _endpoint_figures(name, results[name], commands[name])]
    bare = results["bare view"]
    figures += [
        _ratio("report / bare view", results["report"], bare, REPORT_TARGET),
        _ratio("list / bare view", results[f"list, {LIST_PAGE_SIZE} items"], bare, LIST_TARGET),
    ]
    return Section(
        title="1. API throughput",
        figures=figures,
        notes=[
            f"The report has {data.recommendations_many} recommendations; the list is a "
            f"consultant's page of {LIST_PAGE_SIZE} assessments over six brands. Both "
            "authenticate with a token and pass the user throttle (counted in Redis).",
            f"Each run: per endpoint, {warmup} s of warm-up load, then {seconds} s measured; "
            "endpoints take turns within a run. Ratios are per run, then the median.",
            "$TOKEN: the consultant's token (`python manage.py create_user bench-consultant "
            "--role consultant` prints it); $PORT: gunicorn's port (a spare one per run).",
        ],
    )


def _endpoint_figures(name: str, runs: list[WrkResult], command: str) -> list[Figure]:
    return [
        Figure(f"{name}: throughput", "requests/s", [r.requests_per_second for r in runs], command),
        Figure(f"{name}: p50 latency", "ms", [r.p50_ms for r in runs], command),
        Figure(f"{name}: p99 latency", "ms", [r.p99_ms for r in runs], command),
    ]


def _ratio(label: str, runs: list[WrkResult], bare: list[WrkResult], target: float) -> Figure:
    return Figure(
        label=f"{label} (throughput)",
        unit="ratio",
        runs=[
            r.requests_per_second / b.requests_per_second for r, b in zip(runs, bare, strict=True)
        ],
        command='make bench ARGS="--only api"',
        target=target,
    )
