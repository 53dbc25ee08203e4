"""Item 1: API throughput under gunicorn, beside a bare view in the same server, from wrk."""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

import requests

from bench.core import Context, Figure, Section
from bench.fixtures import api_data
from bench.queries import list_url, report_url
from bench.server import WrkResult, gunicorn, shown, wrk, wrk_command
from bench.urls import BARE_PATH

REPORT_TARGET, LIST_TARGET = 0.5, 0.4
LIST_PAGE_SIZE = 50
LIST = f"list, {LIST_PAGE_SIZE} items"
REVALIDATED = "report, revalidated (If-None-Match: 304)"
# Rounds per run, in each of which every endpoint is measured for a few seconds in turn.
ROUNDS = 5


def measure(ctx: Context) -> Section:
    data = api_data()
    paths = {
        "bare view": (f"/{BARE_PATH}", None, ()),
        "report": (report_url(data.report_many), data.token, ()),
        LIST: (list_url(LIST_PAGE_SIZE), data.token, ()),
    }
    # Smoke: 2 s, so that even a report slowed to a second by a busy CI machine completes.
    warmup, seconds, rounds = (1, 2, 1) if ctx.smoke else (2, 2, ROUNDS)
    ratios: dict[str, list[float]] = {"report": [], "list": [], "revalidated": []}
    with tempfile.TemporaryDirectory() as tmp, gunicorn(Path(tmp) / "gunicorn.log") as base:
        # A client polling the report with the ETag of its last read: answered 304, no body.
        paths[REVALIDATED] = (*paths["report"][:2], (f"If-None-Match: {_etag(base, data)}",))
        results: dict[str, list[WrkResult]] = {name: [] for name in paths}
        for _ in range(ctx.runs):
            for path, token, headers in paths.values():
                wrk(base + path, warmup, token, headers)
            run = _run(base, paths, seconds, rounds)
            for name in paths:
                results[name].append(_median_result(run[name]))
            ratios["report"].append(_median_ratio(run["report"], run["bare view"]))
            ratios["list"].append(_median_ratio(run[LIST], run["bare view"]))
            ratios["revalidated"].append(_median_ratio(run[REVALIDATED], run["bare view"]))
    commands = {
        name: shown(wrk_command(f"http://127.0.0.1:0{path}", seconds, token, headers))
        for name, (path, token, headers) in paths.items()
    }
    figures = [f for name in paths for f in _endpoint_figures(name, results[name], commands[name])]
    figures += [
        _ratio("report / bare view", ratios["report"], REPORT_TARGET),
        _ratio("list / bare view", ratios["list"], LIST_TARGET),
        _ratio("report revalidated (304) / bare view", ratios["revalidated"], None),
    ]
    return Section(
        title="1. API throughput",
        figures=figures,
        notes=[
            f"The report has {data.recommendations_many} recommendations; the list is a "
            f"consultant's page of {LIST_PAGE_SIZE} assessments over six brands. Both "
            "authenticate with a token and pass the user throttle (counted in Redis).",
            f"Each run: per endpoint, {warmup} s of warm-up load, then {rounds} rounds in "
            f"which the endpoints take turns for {seconds} s each. A run's figure is the median "
            "of its rounds, and each ratio is taken within a round, then the median: this VM's "
            "speed jumps between two levels every few seconds (the same endpoint measured "
            "5 s at a time gave 3,223, 1,385, 3,610 and 1,625 requests/s), so endpoints are "
            "only compared with measurements taken next to them in time.",
            "Revalidated: the report requested with If-None-Match carrying its current ETag, "
            "as a client polling for changes does ($ETAG); the answer is a 304 without a body.",
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


def _etag(base: str, data) -> str:
    answer = requests.get(
        base + report_url(data.report_many),
        headers={"Authorization": f"Token {data.token}"},
        timeout=30,
    )
    answer.raise_for_status()
    return answer.headers["ETag"]


def _run(base: str, paths: dict, seconds: int, rounds: int) -> dict[str, list[WrkResult]]:
    measured: dict[str, list[WrkResult]] = {name: [] for name in paths}
    for _ in range(rounds):
        for name, (path, token, headers) in paths.items():
            measured[name].append(wrk(base + path, seconds, token, headers))
    return measured


def _median_result(rounds: list[WrkResult]) -> WrkResult:
    return WrkResult(
        statistics.median(r.requests_per_second for r in rounds),
        statistics.median(r.p50_ms for r in rounds),
        statistics.median(r.p99_ms for r in rounds),
    )


def _median_ratio(endpoint: list[WrkResult], bare: list[WrkResult]) -> float:
    return statistics.median(
        e.requests_per_second / b.requests_per_second for e, b in zip(endpoint, bare, strict=True)
    )


def _ratio(label: str, runs: list[float], target: float | None) -> Figure:
    return Figure(
        label=f"{label} (throughput)",
        unit="ratio",
        runs=runs,
        command='make bench ARGS="--only api"',
        target=target,
    )
