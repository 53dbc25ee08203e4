"""Item 5: bulk rescoring of every brand's latest assessment after a publish, by a real worker.

Each run publishes a new edition through the admin's own services (copy the current edition,
change a pillar's weight so every result differs, publish, rescore_start) and times from the
publish to the last chunk done, while a thread samples the resident memory of the worker's
main process and its pool processes every 100 ms.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from assessments.models import Edition, EditionJob, JobChunk, Pillar, Result
from assessments.publishing import edition_copy, edition_publish, rescore_start
from bench import dataset
from bench.core import Context, Figure, Section
from tests.processes import producing_to, start_worker, stop, wait_for

COMMAND = "make bench"
SIZES = {"smoke": 1_000, "full": 100_000}
# One pool process per core: the chunks are CPU-bound Python, and PostgreSQL shares the cores.
CONCURRENCY = 2
# Issue 21, item 4: 100,000 assessments at 5,000 a second or more, in at most 300 MB (PSS).
TARGET_PER_SECOND = 5000
TARGET_PSS_MB = 300
SAMPLE_EVERY = 0.1
# PSS walks each process's page tables (smaps_rollup: 1.6 ms for 120 MB), RSS does not: every
# other sample reads PSS too: the sampler takes about 2% of a core, not 5%.
PSS_EVERY = 2
# The backends' CPU every half second: a replaced backend's last half second is not counted.
BACKENDS_EVERY = 5
MB = 1024 * 1024


@dataclass
class RunFigures:
    per_second: float
    peak_total: float
    peak_pss: float
    peak_main: float
    peak_pool: float
    worker_cpu: float  # µs of CPU per assessment, the worker's processes
    database_cpu: float  # µs of CPU per assessment, their PostgreSQL backends


@dataclass
class MemorySampler:
    """The peak RSS of a process tree: all of it together, the root, and its largest child."""

    root: int
    backends: BackendCpu | None = None
    peak_total: int = 0
    peak_pss: int = 0
    peak_main: int = 0
    peak_child: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> MemorySampler:
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join()

    def _loop(self) -> None:
        root = psutil.Process(self.root)
        tick = 0
        while not self._stop.wait(SAMPLE_EVERY):
            self.sample(root, with_pss=tick % PSS_EVERY == 0)
            if self.backends is not None and tick % BACKENDS_EVERY == 0:
                self.backends.sample()
            tick += 1

    def sample(self, root: psutil.Process, *, with_pss: bool = True) -> None:
        try:
            processes = [root, *root.children(recursive=True)]
            rss = [_memory(p, with_pss) for p in processes]
        except psutil.NoSuchProcess:
            return
        self.peak_main = max(self.peak_main, rss[0][0])
        self.peak_child = max([self.peak_child, *(r for r, _ in rss[1:])])
        self.peak_total = max(self.peak_total, sum(r for r, _ in rss))
        if with_pss:
            self.peak_pss = max(self.peak_pss, sum(p for _, p in rss))


def _memory(process: psutil.Process, with_pss: bool) -> tuple[int, int]:
    """RSS and PSS (shared pages divided among the processes that share them; 0 if not read)."""
    try:
        if not with_pss:
            return process.memory_info().rss, 0
        info = process.memory_full_info()
    except psutil.NoSuchProcess:  # a pool process replaced between listing and reading
        return 0, 0
    return info.rss, info.pss


def measure(ctx: Context) -> Section:
    n = SIZES[ctx.size]
    dataset.portfolio(n)
    with tempfile.TemporaryDirectory() as tmp, producing_to(ctx.redis_url):
        log = Path(tmp) / "worker.log"
        worker = start_worker(ctx.redis_url, f"--concurrency={CONCURRENCY}", log=log)
        try:
            _wait_ready(worker, log)
            runs = [_run(n, worker) for _ in range(ctx.runs)]
        finally:
            stop(worker)
    return _section(ctx, n, runs)


def _wait_ready(worker: subprocess.Popen[bytes], log: Path) -> None:
    def ready() -> bool:
        if worker.poll() is not None:
            raise RuntimeError(f"the worker exited: {log.read_text(errors='replace')[-2000:]}")
        return log.exists() and b" ready." in log.read_bytes()

    if not wait_for(ready, timeout=120):
        raise RuntimeError(f"the worker is not ready: {log.read_text(errors='replace')[-2000:]}")


def _run(n: int, worker: subprocess.Popen[bytes]) -> RunFigures:
    draft = _changed_draft()
    worker_before = _worker_cpu(worker.pid)
    backends = BackendCpu(connection.settings_dict["NAME"])
    with MemorySampler(worker.pid, backends) as memory:
        started = time.time()
        edition = edition_publish(edition_id=draft.pk)
        job = rescore_start(edition=edition)
        _wait_done(job, n, worker)
    # The end is when the worker finished the last chunk, as it recorded it: not when this
    # process noticed, so that it can look seldom and leave the two cores to the worker.
    job.refresh_from_db()
    elapsed = job.finished_at.timestamp() - started
    worker_cpu = _worker_cpu(worker.pid) - worker_before
    database_cpu = backends.used()
    # Every brand's latest assessment: the portfolio's n, plus the few of the items run before
    # (API, Celery) in the same database.
    total = job.total
    stored = Result.objects.filter(edition=edition).count()
    if stored != total or total < n:
        raise RuntimeError(f"rescoring stored {stored} results for {total} (n={n}) assessments")
    return RunFigures(
        total / elapsed,
        memory.peak_total / MB,
        memory.peak_pss / MB,
        memory.peak_main / MB,
        memory.peak_child / MB,
        worker_cpu / total * 1e6,
        database_cpu / total * 1e6,
    )


def _worker_cpu(root: int) -> float:
    """CPU seconds (user and system) of the worker's main and pool processes so far."""
    process = psutil.Process(root)
    return sum(_cpu(p) for p in [process, *process.children(recursive=True)])


@dataclass
class BackendCpu:
    """The CPU the PostgreSQL sessions of the worker use, read while they live.

    The worker's backends are replaced every DB_CONN_MAX_AGE seconds, so they are followed
    while they run: each session of this database but this process's own (found by its client
    port in the backend's process title), sampled with the memory. PostgreSQL runs on this
    machine. On a shared machine CPU time per assessment is what the work costs; wall-clock
    throughput is that cost plus the queue for the cores.
    """

    database: str
    start: dict[int, float] = field(default_factory=dict)
    last: dict[int, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.start = self._now()
        self.last = dict(self.start)

    def sample(self) -> None:
        self.last.update(self._now())

    def used(self) -> float:
        self.sample()
        return sum(cpu - self.start.get(pid, 0.0) for pid, cpu in self.last.items())

    def _now(self) -> dict[int, float]:
        own = {f"({c.laddr.port})" for c in psutil.Process().net_connections("tcp") if c.raddr}
        now = {}
        for process in psutil.process_iter(["name", "cmdline"]):
            title = " ".join(process.info["cmdline"] or ())
            ours = title.startswith("postgres: ") and f" {self.database} " in title
            if ours and not any(port in title for port in own):
                now[process.pid] = _cpu(process)
        return now


def _cpu(process: psutil.Process) -> float:
    try:
        times = process.cpu_times()
    except psutil.NoSuchProcess:
        return 0.0
    return times.user + times.system


def _changed_draft() -> Edition:
    """A draft of the current edition whose first pillar weighs one more: every result moves."""
    current = Edition.objects.current()
    stamp = timezone.now().strftime("%Y-%m-%d %H:%M:%S.%f")
    draft = edition_copy(edition=current, label=f"Bench rescoring {stamp}")
    first = Pillar.objects.filter(edition=draft).order_by("position", "key")[:1]
    Pillar.objects.filter(pk__in=first).update(weight=F("weight") + 1)
    return draft


def _wait_done(job: EditionJob, n: int, worker: subprocess.Popen[bytes]) -> None:
    # Generous: a chunk that fails is an error to report, not something to wait out.
    timeout = 300 + n / 20

    def done() -> bool:
        if worker.poll() is not None:
            raise RuntimeError("the worker exited during rescoring")
        failed = JobChunk.objects.filter(job=job).exclude(error="").values_list("error", flat=True)
        if failed:
            raise RuntimeError(f"a rescoring chunk failed: {failed[0]}")
        return EditionJob.objects.filter(pk=job.pk, status=EditionJob.Status.FINISHED).exists()

    if not wait_for(done, timeout=timeout, every=0.5):
        raise RuntimeError(f"rescoring of {n} assessments not finished after {timeout:.0f} s")


def _section(ctx: Context, n: int, runs: list[RunFigures]) -> Section:
    full = not ctx.smoke
    return Section(
        title=f"Bulk rescoring of {n:,} assessments after a publish",
        figures=[
            Figure(
                "Rescoring throughput (publish to last chunk done)",
                "assessments/s",
                [r.per_second for r in runs],
                COMMAND,
                target=TARGET_PER_SECOND if full else None,
            ),
            Figure(
                "CPU per assessment, the worker's processes",
                "µs",
                [r.worker_cpu for r in runs],
                COMMAND,
                at_least=False,
            ),
            Figure(
                "CPU per assessment, the worker's PostgreSQL backends",
                "µs",
                [r.database_cpu for r in runs],
                COMMAND,
                at_least=False,
            ),
            Figure(
                "Peak worker memory, PSS (pages the pool shares with its parent counted once)",
                "MB",
                [r.peak_pss for r in runs],
                COMMAND,
                target=TARGET_PSS_MB if full else None,
                at_least=False,
            ),
            Figure(
                "Peak RSS summed over main and pool processes (shared pages counted per process)",
                "MB",
                [r.peak_total for r in runs],
                COMMAND,
                at_least=False,
            ),
            Figure(
                "Peak memory of the worker's main process",
                "MB",
                [r.peak_main for r in runs],
                COMMAND,
                at_least=False,
            ),
            Figure(
                "Peak memory of the largest pool process",
                "MB",
                [r.peak_pool for r in runs],
                COMMAND,
                at_least=False,
            ),
        ],
        notes=[
            f"One Celery worker (prefork, concurrency {CONCURRENCY}, prefetch multiplier "
            f"{settings.CELERY_WORKER_PREFETCH_MULTIPLIER}) on the bench Redis; chunks of "
            f"{settings.EDITION_JOB_CHUNK_SIZE} assessments (EDITION_JOB_CHUNK_SIZE), one task "
            "each.",
            "Each run publishes a new edition (a copy of the current one with its first pillar "
            "weighing one more), so every run stores a new result for every assessment.",
            f"Memory (psutil): resident set size every {SAMPLE_EVERY * 1000:.0f} ms, "
            f"proportional set size every {SAMPLE_EVERY * PSS_EVERY * 1000:.0f} ms, each summed "
            "over the worker's main and pool processes at one moment. The target is judged on "
            "PSS, what the worker takes from the machine: RSS counts the pages a forked pool "
            "process still shares with its parent (Django, DRF, Celery: about 85 MB of imports) "
            "once per process, three times in all.",
            "CPU (psutil, user and system) from the publish to the job's end, divided by the "
            "assessments rescored: the worker's main and pool processes, and the PostgreSQL "
            "backends of this database but the bench's own. On a shared machine the wall clock "
            f"adds the queue for the cores; the cost is the CPU: {os.cpu_count()} cores do at "
            f"most {os.cpu_count()} s / (worker + backends) assessments a second.",
        ],
    )
