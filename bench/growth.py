"""Item 6: does the API's assessment list slow down as the portfolio grows?

The first page of GET /api/v1/assessments/ (default page size and ordering) as an admin, who
sees every assessment, requested in-process through Django's test client with the real
middleware, at a large and at a small portfolio. The large one is measured first: the
rescoring benchmark leaves the database at that size, and shrinking is quick while growing
is not. The figure is the ratio of the median request times.
"""

from __future__ import annotations

import statistics
import time

from django.test import Client

from bench import dataset
from bench.core import Context, Figure, Section

COMMAND = "make bench"
SIZES = {"smoke": (500, 50), "full": (100_000, 1_000)}
REQUESTS = {"smoke": 20, "full": 200}
WARM_UP = 10
URL = "/api/v1/assessments/"


def measure(ctx: Context) -> Section:
    large, small = SIZES[ctx.size]
    count = REQUESTS[ctx.size]
    p50 = {size: _p50s(size, count, ctx.runs) for size in (large, small)}
    ratios = [big / little for big, little in zip(p50[large], p50[small], strict=True)]
    full = not ctx.smoke
    return Section(
        title=f"List growth: the assessment list at {small:,} and at {large:,} assessments",
        figures=[
            Figure(
                f"List page p50 at {small:,} assessments", "ms", p50[small], COMMAND, at_least=False
            ),
            Figure(
                f"List page p50 at {large:,} assessments", "ms", p50[large], COMMAND, at_least=False
            ),
            Figure(
                f"Ratio of p50 at {large:,} to p50 at {small:,}",
                "x",
                ratios,
                COMMAND,
                target=1.3 if full else None,
                at_least=False,
            ),
        ],
        notes=[
            f"{count} requests per run after {WARM_UP} unmeasured ones, in-process (Django test "
            "client, every middleware, DEBUG off), by an admin token: the admin sees every "
            "assessment. First page, default page size and ordering (newest first). Each "
            "answer is built, not served from the cache (`Cache-Control: no-cache`).",
        ],
    )


def _p50s(size: int, count: int, runs: int) -> list[float]:
    info = dataset.portfolio(size)
    # The state autovacuum reaches a minute or two after a bulk write: right after the three
    # rescorings of item 5, the large portfolio's tables hold three dead versions of each
    # assessment row, and p50 at 100,000 was 34.9 ms instead of 14.4 (bench/notes).
    dataset.vacuum_analyze()
    # The client claims HTTPS and a served host, as the proxy in front of the service does.
    # Every answer is built (Cache-Control: no-cache), as the first one after any write is: a
    # repeated request is answered from the cache whatever the portfolio's size (api/cache.py).
    # The bench's throttle rate (bench/environment.py) is far above these few hundred requests.
    client = Client(
        SERVER_NAME="localhost",
        HTTP_AUTHORIZATION=f"Token {info.token}",
        HTTP_CACHE_CONTROL="no-cache",
    )
    return [_p50(client, count) for _ in range(runs)]


def _p50(client: Client, count: int) -> float:
    times = []
    for i in range(WARM_UP + count):
        started = time.perf_counter()
        response = client.get(URL, secure=True)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or not response.json()["results"]:
            raise RuntimeError(
                f"GET {URL} answered {response.status_code}: {response.content[:300]}"
            )
        if i >= WARM_UP:
            times.append(elapsed)
    return statistics.median(times)
