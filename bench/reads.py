"""Item 9: reads while busy: built answers, and reads while submissions are being scored.

Built: the report and a list page of 50 answered afresh (`Cache-Control: no-cache`, as the
first read after a write of their brand or category is): in process, and under gunicorn beside
the bare view. Mixed load: the consultant's report and list read by wrk at full speed, through
the cache, while a producer submits assessments of another brand through the API at a steady
rate and a real Celery worker scores them; the bare view is measured in the same rounds under
the same load, and X-Cache (api/cache.py) gives the hit rate.
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

from api.models import StoredReport
from assessments.accounts import Role, user_create
from assessments.demo import answers_at
from assessments.edition_specs import edition_spec
from assessments.models import Assessment, Category, Edition
from bench.core import Context, Figure, Section
from bench.fixtures import api_data
from bench.queries import BUILT, consultant_client, list_url, report_url
from bench.server import gunicorn, parse_wrk, shown, wrk, wrk_command
from bench.urls import BARE_PATH
from tests.processes import kill_group, start_worker, wait_for

BUILT_MS_TARGET = 5.0  # median, in process
BUILT_RATIO_TARGET = 0.2
MIXED_RATIO_TARGET = 0.5
WRITE_RATE = 10  # submissions a second
SENDERS = 8  # submissions in flight at most
LIST_PAGE_SIZE = 50
WRITER_BRAND, WRITER = "bench-reads-writer", "bench-reads-manager"
NO_CACHE = ("Cache-Control: no-cache",)
COMMAND = 'make bench ARGS="--only reads"'
# Counts X-Cache across wrk's threads (setup() keeps each thread, done() sums them).
HIT_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) hits = 0; misses = 0 end
function response(status, headers, body)
  local outcome = headers["X-Cache"]
  if outcome == "hit" then hits = hits + 1 elseif outcome == "miss" then misses = misses + 1 end
end
function done(summary, latency, requests)
  local h, m = 0, 0
  for _, t in ipairs(threads) do h = h + t:get("hits"); m = m + t:get("misses") end
  io.write(string.format("x-cache hits %d misses %d\\n", h, m))
end
"""


@dataclass
class Runs:
    figures: dict[str, list[float]] = field(default_factory=dict)

    def add(self, label: str, value: float) -> None:
        self.figures.setdefault(label, []).append(value)


def measure(ctx: Context) -> Section:
    data = api_data()
    urls = {"report": report_url(data.report_many), "list": list_url(LIST_PAGE_SIZE)}
    runs = Runs()
    in_process(ctx, data, urls, runs)
    # Smoke: 2 s, so that even a built answer slowed to a second by a busy machine completes.
    seconds, rounds = (2, 1) if ctx.smoke else (3, 3)
    with tempfile.TemporaryDirectory() as tmp:
        with gunicorn(Path(tmp) / "gunicorn.log") as base:
            built_under_gunicorn(ctx, base, data.token, urls, runs, seconds, rounds)
            mixed_load(ctx, base, data.token, urls, runs, seconds, rounds, Path(tmp))
    return _section(runs, data.recommendations_many, seconds, rounds)


# --- built answers ------------------------------------------------------------------------------


def in_process(ctx: Context, data, urls: dict[str, str], runs: Runs) -> None:
    """Median ms of a built answer through Django's test client (persistent connection)."""
    client = consultant_client(data)
    count = 10 if ctx.smoke else 60
    for name, url in urls.items():
        for _ in range(5):
            _get(client, url)  # warm: the edition spec, the token, the scopes
        for _ in range(ctx.runs):
            times, cpu = [], []
            for _ in range(count):
                start, start_cpu = time.perf_counter(), time.process_time()
                _get(client, url)
                times.append(1000 * (time.perf_counter() - start))
                cpu.append(1000 * (time.process_time() - start_cpu))
            runs.add(f"built {name}: in process", statistics.median(times))
            # This process's CPU alone: on a shared machine, wall time also waits for others.
            runs.add(f"built {name}: in process, CPU", statistics.median(cpu))
    first_reads(ctx, client, data, urls["report"], count, runs)


def first_reads(ctx: Context, client, data, url: str, count: int, runs: Runs) -> None:
    """The first read of a result: it builds the part its result fixes and keeps it
    (api/stored_reports.py), which every later built answer reads."""
    stored = StoredReport.objects.filter(result__assessment_id=data.report_many)
    for _ in range(ctx.runs):
        times = []
        for _ in range(count):
            stored.delete()
            start = time.perf_counter()
            _get(client, url)
            times.append(1000 * (time.perf_counter() - start))
        runs.add("built report: first read of its result", statistics.median(times))


def _get(client, url: str) -> None:
    response = client.get(url, **BUILT)
    if response.status_code != 200 or response["X-Cache"] != "miss":
        raise RuntimeError(f"GET {url}: {response.status_code}, X-Cache {response['X-Cache']}")


def built_under_gunicorn(ctx, base, token, urls, runs: Runs, seconds: int, rounds: int) -> None:
    targets = {
        "bare view": (f"/{BARE_PATH}", None, ()),
        "built report": (urls["report"], token, NO_CACHE),
        "built list": (urls["list"], token, NO_CACHE),
    }
    for _ in range(ctx.runs):
        for path, auth, headers in targets.values():
            wrk(base + path, 2, auth, headers)  # warm-up
        measured: dict[str, list[float]] = {name: [] for name in targets}
        for _ in range(rounds):  # in turns: this VM's speed changes every few seconds
            for name, (path, auth, headers) in targets.items():
                measured[name].append(wrk(base + path, seconds, auth, headers).requests_per_second)
        for name in ("built report", "built list"):
            runs.add(f"{name} / bare view", _ratio(measured[name], measured["bare view"]))
        for name, values in measured.items():
            runs.add(f"{name}: throughput (built)", statistics.median(values))


def _ratio(endpoint: list[float], bare: list[float]) -> float:
    return statistics.median(e / b for e, b in zip(endpoint, bare, strict=True))


# --- mixed load ---------------------------------------------------------------------------------


def mixed_load(ctx, base, token, urls, runs: Runs, seconds: int, rounds: int, tmp: Path) -> None:
    Assessment.objects.filter(brand__slug=WRITER_BRAND).delete()  # earlier runs' submissions
    _, writer_token = user_create(
        username=WRITER, role=Role.BRAND_MANAGER, brand_slugs=[WRITER_BRAND], token_name="bench"
    )
    assert writer_token is not None  # asked for with token_name
    script = tmp / "hits.lua"
    script.write_text(HIT_SCRIPT)
    log = tmp / "worker.log"
    worker = start_worker(
        ctx.redis_url,
        "--concurrency=2",
        app="bench.celery_app",
        log=log,
        database_url=ctx.database_url,
    )
    try:
        for _ in range(ctx.runs):
            producer = Producer(base, writer_token)
            producer.start()
            try:
                _mixed_run(base, token, urls, runs, seconds, rounds, script)
            finally:
                producer.stop()
            runs.add("submissions: rate achieved", producer.rate)
            runs.add("submissions: scored during the run", _scored(producer.ids, log))
    finally:
        kill_group(worker)


def _mixed_run(base, token, urls, runs: Runs, seconds: int, rounds: int, script: Path) -> None:
    targets = {"bare view": (f"/{BARE_PATH}", None), **{n: (u, token) for n, u in urls.items()}}
    measured: dict[str, list[HitResult]] = {name: [] for name in targets}
    for path, auth in targets.values():
        # Warm-up under the load: the run's setup (the writer's account) bumped the global
        # generation, and each gunicorn worker learns an answer's scopes on its first read.
        wrk_hits(base + path, seconds, auth, script)
    for _ in range(rounds):
        for name, (path, auth) in targets.items():
            measured[name].append(wrk_hits(base + path, seconds, auth, script))
    bare = [r.requests_per_second for r in measured["bare view"]]
    for name in urls:
        rps = [r.requests_per_second for r in measured[name]]
        runs.add(f"{name} under write load / bare view", _ratio(rps, bare))
        runs.add(f"{name} under write load: throughput", statistics.median(rps))
        runs.add(
            f"{name} under write load: p99", statistics.median(r.p99_ms for r in measured[name])
        )
        hits = sum(r.hits for r in measured[name])
        runs.add(
            f"{name} under write load: cache hit rate", hits / sum(r.total for r in measured[name])
        )
    runs.add("bare view under write load: throughput", statistics.median(bare))
    runs.add(
        "bare view under write load: p99",
        statistics.median(r.p99_ms for r in measured["bare view"]),
    )


class Producer(threading.Thread):
    """Submits complete assessments through the API at WRITE_RATE a second, across categories."""

    def __init__(self, base: str, token: str) -> None:
        super().__init__(daemon=True)
        self.base, self.headers = base, {"Authorization": f"Token {token}"}
        spec = edition_spec(Edition.objects.current().pk)
        self.bodies = [
            {
                "brand": WRITER_BRAND,
                "category": slug,
                "answers": answers_at(spec, (n % 11) / 10),
                "submit": True,
            }
            for n, slug in enumerate(
                Category.objects.order_by("slug").values_list("slug", flat=True)
            )
        ]
        self.ids: list[int] = []
        self.rate = 0.0
        self.error: str | None = None
        self._halt = threading.Event()
        self._lock = threading.Lock()

    def run(self) -> None:
        # Each submission is sent on time, whatever the previous one's answer time: a slow
        # answer under load must not lower the rate asked for.
        start = time.monotonic()
        n = 0
        with ThreadPoolExecutor(max_workers=SENDERS) as pool:
            sent = []
            while not self._halt.is_set():
                self._halt.wait(max(0.0, start + n / WRITE_RATE - time.monotonic()))
                if self._halt.is_set():
                    break
                sent.append(pool.submit(self._submit, self.bodies[n % len(self.bodies)]))
                n += 1
            self.rate = n / (time.monotonic() - start)
            for future in sent:
                future.result()

    def _submit(self, body: dict) -> None:
        answer = requests.post(
            f"{self.base}/api/v1/assessments/", json=body, headers=self.headers, timeout=60
        )
        if answer.status_code != 201:
            self.error = f"{answer.status_code}: {answer.text[:500]}"
            return
        with self._lock:
            self.ids.append(answer.json()["id"])

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=120)
        if self.error:
            raise RuntimeError(f"a submission was refused: {self.error}")


def _scored(ids: list[int], log: Path) -> float:
    """Wait for the worker to score every submission; the share scored (1.0: all)."""
    rows = Assessment.objects.filter(pk__in=ids)
    done = (Assessment.Status.SCORED, Assessment.Status.FAILED)
    if not wait_for(lambda: rows.exclude(status__in=done).count() == 0, timeout=60):
        raise RuntimeError(f"submissions left unscored; worker log:\n{log.read_text()[-2000:]}")
    return rows.filter(status=Assessment.Status.SCORED).count() / max(1, len(ids))


@dataclass(frozen=True)
class HitResult:
    requests_per_second: float
    p99_ms: float
    hits: int
    total: int


def wrk_hits(url: str, seconds: int, token: str | None, script: Path) -> HitResult:
    command = wrk_command(url, seconds, token)
    done = subprocess.run(
        [*command[:-1], "-s", str(script), command[-1]],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr or done.stdout}")
    result = parse_wrk(done.stdout)
    counts = done.stdout.rsplit("x-cache hits ", 1)[-1].split()
    hits, misses = int(counts[0]), int(counts[2])
    return HitResult(result.requests_per_second, result.p99_ms, hits, hits + misses)


# --- the section --------------------------------------------------------------------------------


def _section(runs: Runs, recommendations: int, seconds: int, rounds: int) -> Section:
    f = runs.figures

    def built(path: str, token: str | None = "0" * 40, headers=NO_CACHE) -> str:
        return shown(wrk_command(f"http://127.0.0.1:0{path}", seconds, token, headers))

    figures = [
        Figure(
            "built report: in process",
            "ms",
            f["built report: in process"],
            COMMAND,
            target=BUILT_MS_TARGET,
            at_least=False,
        ),
        Figure(
            "built list, 50 items: in process",
            "ms",
            f["built list: in process"],
            COMMAND,
            target=BUILT_MS_TARGET,
            at_least=False,
        ),
        Figure(
            "built report, the first read of its result: in process",
            "ms",
            f["built report: first read of its result"],
            COMMAND,
        ),
        Figure(
            "built report: in process, CPU time of this process",
            "ms",
            f["built report: in process, CPU"],
            COMMAND,
        ),
        Figure(
            "built list, 50 items: in process, CPU time of this process",
            "ms",
            f["built list: in process, CPU"],
            COMMAND,
        ),
        Figure(
            "bare view: throughput (beside the built answers)",
            "requests/s",
            f["bare view: throughput (built)"],
            built(f"/{BARE_PATH}", None, ()),
        ),
        Figure(
            "built report: throughput",
            "requests/s",
            f["built report: throughput (built)"],
            built(report_url(0).replace("/0/", "/$ID/")),
        ),
        Figure(
            "built list, 50 items: throughput",
            "requests/s",
            f["built list: throughput (built)"],
            built(list_url(LIST_PAGE_SIZE)),
        ),
        Figure(
            "built report / bare view (throughput)",
            "ratio",
            f["built report / bare view"],
            COMMAND,
            target=BUILT_RATIO_TARGET,
        ),
        Figure(
            "built list / bare view (throughput)",
            "ratio",
            f["built list / bare view"],
            COMMAND,
            target=BUILT_RATIO_TARGET,
        ),
        Figure(
            "bare view under write load: throughput",
            "requests/s",
            f["bare view under write load: throughput"],
            COMMAND,
        ),
        Figure(
            "bare view under write load: p99", "ms", f["bare view under write load: p99"], COMMAND
        ),
    ]
    for name in ("report", "list"):
        figures += [
            Figure(
                f"{name} under write load: throughput",
                "requests/s",
                f[f"{name} under write load: throughput"],
                COMMAND,
            ),
            Figure(
                f"{name} under write load: p99", "ms", f[f"{name} under write load: p99"], COMMAND
            ),
            Figure(
                f"{name} under write load: cache hit rate",
                "share",
                f[f"{name} under write load: cache hit rate"],
                COMMAND,
            ),
            Figure(
                f"{name} under write load / bare view under write load (throughput)",
                "ratio",
                f[f"{name} under write load / bare view"],
                COMMAND,
                target=MIXED_RATIO_TARGET,
            ),
        ]
    figures += [
        Figure(
            f"submissions: rate achieved (asked {WRITE_RATE}/s)",
            "per s",
            f["submissions: rate achieved"],
            COMMAND,
        ),
        Figure(
            "submissions scored by the worker",
            "share",
            f["submissions: scored during the run"],
            COMMAND,
        ),
    ]
    return Section(
        title="9. Reads while busy",
        figures=figures,
        notes=[
            f"Built: the report of {recommendations} recommendations and a list page of "
            f"{LIST_PAGE_SIZE} asked for with `Cache-Control: no-cache`, as the first read after "
            "a write of its brand or category is answered. In process: Django's test client, "
            "the consultant's token, median of 60 requests per run after 5 of warm-up. Under "
            f"gunicorn: wrk with that header, {rounds} rounds of {seconds} s per endpoint in "
            "turns with the bare view; each ratio within a round, then the median.",
            f"Write load: a producer thread submits complete assessments of another brand "
            f"({WRITER_BRAND}) through POST /api/v1/assessments/ on the same gunicorn at "
            f"{WRITE_RATE} a second, across every category; one Celery worker "
            "(`celery -A bench.celery_app worker --concurrency=2`) scores them. Each scoring "
            "bumps its brand's and category's generations (assessments/generations.py): the "
            "consultant's report goes stale when a submission of its category is scored, its "
            "list never (another brand).",
            f"Reads under load: wrk on the report, the list page and the bare view in turns "
            f"({rounds} rounds of {seconds} s), with a Lua script (`-s`) that counts the "
            "X-Cache header of each answer: the hit rate is hits / answers.",
        ],
    )
