"""Item 4: submitted-to-scored with one real Celery worker, against a no-op task on it."""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from pathlib import Path

import redis

from assessments import services
from assessments.accounts import Role, user_create
from assessments.demo import answers_at
from assessments.editions import edition_spec
from assessments.models import Assessment, Brand, Category, Edition
from bench.celery_app import app, noop_task
from bench.core import Context, Figure, Section
from tests.processes import kill_group, start_worker, wait_for

BRAND, MANAGER = "bench-celery", "bench-celery-manager"
RATIO_TARGET = 0.5
STEADY_RATE = 20  # submissions a second
COMMAND = 'make bench ARGS="--only celery"'


def measure(ctx: Context) -> Section:
    batch, steady_seconds = (20, 2) if ctx.smoke else (300, 15)
    Assessment.objects.filter(brand__slug=BRAND).delete()  # earlier runs' rows
    manager, _ = user_create(username=MANAGER, role=Role.BRAND_MANAGER, brand_slugs=[BRAND])
    app.control.purge()  # messages an interrupted run left behind
    scoring, noop, p95, rate = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "worker.log"
        worker = start_worker(ctx.redis_url, app="bench.celery_app", log=log)
        try:
            if _noop_batch(ctx.redis_url, 1, timeout=60) is None:
                raise RuntimeError(f"the worker did not start:\n{log.read_text()[-3000:]}")
            for _ in range(ctx.runs):
                scoring.append(_scoring_batch(_drafts(manager, batch), manager))
                noop.append(_noop_batch(ctx.redis_url, batch, timeout=60) or 0.0)
                drafts = _drafts(manager, STEADY_RATE * steady_seconds)
                run_p95, run_rate = _steady(drafts, manager)
                p95.append(run_p95)
                rate.append(run_rate)
        finally:
            kill_group(worker)
    return _section(scoring, noop, p95, rate, batch, steady_seconds)


def _section(scoring, noop, p95, rate, batch: int, steady_seconds: int) -> Section:
    return Section(
        title="4. Celery end to end",
        figures=[
            Figure("scoring: submitted to scored", "assessments/s", scoring, COMMAND),
            Figure("no-op task, same worker and broker", "tasks/s", noop, COMMAND),
            Figure(
                "scoring / no-op (throughput)",
                "ratio",
                [s / n for s, n in zip(scoring, noop, strict=True)],
                COMMAND,
                target=RATIO_TARGET,
            ),
            Figure(f"p95 submit to scored at {STEADY_RATE}/s", "ms", p95, COMMAND),
            Figure(f"submission rate achieved (asked {STEADY_RATE}/s)", "per s", rate, COMMAND),
        ],
        notes=[
            "One worker (`celery -A bench.celery_app worker --concurrency=1`, prefork, "
            "prefetch 1, acks late: the production task settings) on the run's Redis and "
            "PostgreSQL; the no-op task is registered only by bench/celery_app.py.",
            f"Throughput: {batch} drafts are submitted through services.assessment_submit "
            "(scoring is queued when the submission commits), from the first submit to the "
            "last stored scored_at; then as many no-op tasks, from the first send to the "
            "moment the last one ran.",
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


def _scoring_batch(drafts: list[Assessment], manager) -> float:
    start = time.time()
    for draft in drafts:
        services.assessment_submit(assessment=draft, user=manager)
    last = max(_scored_at(drafts).values())
    return len(drafts) / (last - start)


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


def _noop_batch(redis_url: str, count: int, timeout: float) -> float | None:
    """Tasks a second for `count` no-op tasks, or None when the last one never ran."""
    mark = f"bench:noop:{uuid.uuid4().hex}"
    client = redis.Redis.from_url(redis_url)
    start = time.time()
    for _ in range(count - 1):
        noop_task.delay()
    noop_task.delay(mark=mark)
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
