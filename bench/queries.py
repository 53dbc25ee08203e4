"""Item 2: database queries per API request, counted in-process for the endpoints of item 1."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from bench.core import Context, Figure, Section
from bench.fixtures import ApiData, api_data

COMMAND = 'make bench ARGS="--only queries"'


def report_url(pk: int) -> str:
    return f"/api/v1/assessments/{pk}/report/"


def list_url(page_size: int) -> str:
    return f"/api/v1/assessments/?page_size={page_size}"


def measure(ctx: Context) -> Section:
    data = api_data()
    client = consultant_client(data)
    counted = {
        "report_few": report_url(data.report_few),
        "report_many": report_url(data.report_many),
        "list_10": list_url(10),
        "list_50": list_url(50),
    }
    for url in counted.values():
        _count(client, url)  # warm: the edition spec and the token are read once per process
    # Built: what every first request after a write costs (Cache-Control: no-cache asks for it).
    runs = {
        key: [_count(client, url, BUILT) for _ in range(ctx.runs)] for key, url in counted.items()
    }
    cached = {key: [_count(client, url) for _ in range(ctx.runs)] for key, url in counted.items()}
    few, many = data.recommendations_few, data.recommendations_many
    return Section(
        title="2. Queries per request",
        figures=[
            _figure(f"report, {few} recommendations", runs["report_few"]),
            _figure(f"report, {many} recommendations", runs["report_many"]),
            _difference("report: many recommendations - few", runs, "report_few", "report_many"),
            _figure("list, page size 10", runs["list_10"]),
            _figure("list, page size 50", runs["list_50"]),
            _difference("list: page size 50 minus 10", runs, "list_10", "list_50"),
            _figure(
                f"report, {many} recommendations, answered from the cache", cached["report_many"]
            ),
            _figure("list, page size 50, answered from the cache", cached["list_50"]),
        ],
        notes=[
            "Counted with Django's CaptureQueriesContext around a DRF test client request, "
            "authenticated with the consultant's token; each count is taken after one warm-up "
            "request per URL, so the token comes from the cache (api/authentication.py).",
            "Built answers are asked for with `Cache-Control: no-cache`, as the first request "
            "after any write is; a repeated request is answered from the cache (api/cache.py).",
        ],
    )


def consultant_client(data: ApiData) -> APIClient:
    # The test client's host is "testserver", which production ALLOWED_HOSTS refuses.
    client = APIClient(SERVER_NAME="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Token {data.token}")
    return client


BUILT = {"HTTP_CACHE_CONTROL": "no-cache"}


def _count(client: APIClient, url: str, headers: dict[str, str] | None = None) -> float:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **(headers or {}))
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}: {response.content[:500]!r}")
    return float(len(captured.captured_queries))


def _figure(label: str, runs: list[float]) -> Figure:
    return Figure(label=label, unit="queries", runs=runs, command=COMMAND)


def _difference(label: str, runs: dict[str, list[float]], small: str, large: str) -> Figure:
    return Figure(
        label=f"{label} (constant: 0)",
        unit="queries",
        runs=[abs(b - a) for a, b in zip(runs[small], runs[large], strict=True)],
        command=COMMAND,
        target=0,
        at_least=False,
    )
