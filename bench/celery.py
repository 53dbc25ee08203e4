"""Item 4: submitted-to-scored with one real Celery worker, against a no-op task on it.

The judged throughputs are of a backlog: the work is queued while the worker consumes nothing,
then the worker is told to resume, and the clock runs from then to the last one done. Both then
measure the broker and the worker, not this process as a producer: a submission through
services.assessment_submit costs it about 3.7 ms (validation, the status change, the cache
generation bumps, the enqueue after commit), a no-op send 0.1 ms, and on two cores that alone
capped scoring near a third of the no-op rate (bench/notes/celery.md). Scoring while this
process submits is measured too, and reported beside them.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import redis
from django.conf import settings

from assessments import services
from assessments.accounts import Role, user_create
from assessments.demo import answers_at
from assessments.edition_specs import edition_spec
from assessments.models import Assessment, Brand, Category, Edition
from bench.celery_app import app, noop_task
from bench.core import Context, Figure, Section
from tests.processes import kill_group, start_worker, wait_for, worker_node

BRAND, MANAGER = "bench-celery", "bench-celery-manager"
RATIO_TARGET = 0.5
STEADY_RATE = 20  # submissions a second
# The production worker's (docker-compose.yml): two pool processes.
CONCURRENCY = 2
QUEUE = app.conf.task_default_queue
COMMAND = 'make bench ARGS="--only celery"'


def measure(ctx: Context) -> Section:
    batch, steady_seconds = (20, 2) if ctx.smoke else (300, 15)
    Assessment.objects.filter(brand__slug=BRAND).delete()  # earlier runs' rows
    manager, _ = user_create(username=MANAGER, role=Role.BRAND_MANAGER, brand_slugs=[BRAND])
    app.control.purge()  # messages an interrupted run left behind
    runs = Runs()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "worker.log"
        worker = start_worker(
            ctx.redis_url, f"--concurrency={CONCURRENCY}", app="bench.celery_app", log=log
        )
        try:
            if _noop_run(ctx.redis_url, 1, backlog=False) is None:
                raise RuntimeError(f"the worker did not start:\n{log.read_text()[-3000:]}")
            for _ in range(ctx.runs):
                runs.scoring.append(_scoring_backlog(_drafts(manager, batch), manager))
                runs.noop.append(_noop_run(ctx.redis_url, batch, backlog=True) or 0.0)
                runs.live.append(_scoring_live(_drafts(manager, batch), manager))
                drafts = _drafts(manager, STEADY_RATE * steady_seconds)
                run_p95, run_rate = _steady(drafts, manager)
                runs.p95.append(run_p95)
                runs.rate.append(run_rate)
        finally:
            kill_group(worker)
    return _section(runs, batch, steady_seconds)


@dataclass
class Runs:
    scoring: list[float] = field(default_factory=list)
    noop: list[float] = field(default_factory=list)
    live: list[float] = field(default_factory=list)
    p95: list[float] = field(default_factory=list)
    rate: list[float] = field(default_factory=list)


def _section(runs: Runs, batch: int, steady_seconds: int) -> Section:
    ratios = [s / n for s, n in zip(runs.scoring, runs.noop, strict=True)]
    return Section(
        title="4. Celery end to end",
        figures=[
            Figure("scoring: submitted to scored", "assessments/s", runs.scoring, COMMAND),
            Figure("no-op task, same worker and broker", "tasks/s", runs.noop, COMMAND),
            Figure("scoring / no-op (throughput)", "ratio", ratios, COMMAND, target=RATIO_TARGET),
            Figure("scoring while this process submits them", "assessments/s", runs.live, COMMAND),
            Figure(f"p95 submit to scored at {STEADY_RATE}/s", "ms", runs.p95, COMMAND),
            Figure(
                f"submission rate achieved (asked {STEADY_RATE}/s)", "per s", runs.rate, COMMAND
            ),
        ],
        notes=[
            f"One worker as docker-compose.yml runs it (`celery -A bench.celery_app worker "
            f"--concurrency={CONCURRENCY}`, prefork, prefetch 1, acks late: the production "
            "task settings) on the run's Redis and PostgreSQL; the no-op task is registered "
            "only by bench/celery_app.py. Scoring batches waiting assessments "
            f"(SCORING_BATCH_SIZE={settings.SCORING_BATCH_SIZE}).",
            f"Throughput, judged: a backlog. The worker stops consuming (celery control "
            f"cancel_consumer); {batch} drafts are submitted through "
            "services.assessment_submit, each queueing its scoring task when it commits, or "
            f"{batch} no-op tasks are sent; the worker resumes (add_consumer), and the figure "
            "runs from then to the last stored scored_at, or to the moment the last no-op ran.",
            f"Scoring while this process submits them: {batch} drafts submitted one after the "
            "other with the worker consuming, from the first submit to the last scored_at; it "
            "is bounded by this process's submissions (about 3.7 ms each), not by the worker.",
            f"Latency: {STEADY_RATE} submissions a second for {steady_seconds} s; each "
            "latency runs from the submit call to the assessment's scored_at.",
        ],
    )


def _drafts(manager, count: int) -> list[Assessment]:
    """Complete, unsubmitted assessments (made before the clock starts)."""
    spec = edition_spec(Edition.objects.current().pk)
    brand = Brand.objects.get(slug=BRAND)
    categories = list(Category.objects.order_by("slug"))
    return [
        services.assessment_create(
            brand=brand,
            category=categories[n % len(categories)],
            user=manager,
            answers=answers_at(spec, (n % 11) / 10),
            submit=False,
        )
        for n in range(count)
    ]


def _scoring_backlog(drafts: list[Assessment], manager) -> float:
    _consume(False)
    for draft in drafts:
        services.assessment_submit(assessment=draft, user=manager)
    resumed = _consume(True)
    return len(drafts) / (max(_scored_at(drafts).values()) - resumed)


def _scoring_live(drafts: list[Assessment], manager) -> float:
    start = time.time()
    for draft in drafts:
        services.assessment_submit(assessment=draft, user=manager)
    return len(drafts) / (max(_scored_at(drafts).values()) - start)


def _consume(on: bool) -> float:
    """Tell the worker to stop or resume consuming its queue, once it answered; when it was told."""
    told = time.time()
    control = app.control.add_consumer if on else app.control.cancel_consumer
    replies = control(QUEUE, destination=[worker_node()], reply=True, timeout=10)
    if not replies:
        raise RuntimeError(f"the worker did not answer {control.__name__}")
    return told


def _scored_at(drafts: list[Assessment]) -> dict[int, float]:
    """Wait until every draft is scored; each one's scored_at as a Unix time."""
    ids = [d.pk for d in drafts]
    rows = Assessment.objects.filter(pk__in=ids)
    done = Assessment.Status.SCORED, Assessment.Status.FAILED
    if not wait_for(lambda: rows.exclude(status__in=done).count() == 0, timeout=30 + len(ids)):
        raise RuntimeError(f"{rows.exclude(status__in=done).count()} assessments not scored")
    failed = rows.filter(status=Assessment.Status.FAILED).values_list("failure_reason", flat=True)
    if failed:
        raise RuntimeError(f"scoring failed: {failed[0]}")
    return {pk: at.timestamp() for pk, at in rows.values_list("pk", "scored_at")}


def _noop_run(redis_url: str, count: int, *, backlog: bool, timeout: float = 60) -> float | None:
    """Tasks a second for `count` no-op tasks, or None when the last one never ran.

    backlog: sent while the worker consumes nothing, timed from when it is told to resume.
    """
    mark = f"bench:noop:{uuid.uuid4().hex}"
    client = redis.Redis.from_url(redis_url)
    if backlog:
        _consume(False)
    start = time.time()
    for _ in range(count - 1):
        noop_task.delay()
    noop_task.delay(mark=mark)
    if backlog:
        start = _consume(True)
    if not wait_for(lambda: client.exists(mark), timeout=timeout, every=0.05):
        return None
    return count / (float(client.get(mark)) - start)


def _steady(drafts: list[Assessment], manager) -> tuple[float, float]:
    """p95 submit-to-scored latency (ms) at STEADY_RATE, and the submission rate achieved."""
    submitted: dict[int, float] = {}
    start = time.monotonic()
    for n, draft in enumerate(drafts):
        time.sleep(max(0.0, start + n / STEADY_RATE - time.monotonic()))
        submitted[draft.pk] = time.time()
        services.assessment_submit(assessment=draft, user=manager)
    achieved = len(drafts) / (time.monotonic() - start)
    scored = _scored_at(drafts)
    latencies = [1000 * (scored[pk] - at) for pk, at in submitted.items()]
    return statistics.quantiles(latencies, n=20)[18], achieved
