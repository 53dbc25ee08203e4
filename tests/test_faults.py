"""At-least-once scoring under worker and broker faults: real workers, real Redis, PostgreSQL."""

from __future__ import annotations

import os
import signal

import pytest
from django.db import transaction

from assessments import services
from assessments.demo import answers_at
from assessments.editions import edition_spec
from assessments.models import Assessment, Category, Edition, Recommendation, Result
from assessments.tests.factories import BrandFactory, UserFactory
from readiness.celery import app as celery_app
from tests.processes import (
    kill_group,
    pool_children,
    producing_to,
    redis_server,
    spare_port,
    start_worker,
    stop,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
Status = Assessment.Status
KILLS = 10
# Workers restore unacknowledged messages of a killed worker after this many seconds.
FAULT_ENV = {"FAULT_SCORING_DELAY": "1.5", "CELERY_VISIBILITY_TIMEOUT": "3"}


def submit(spec, category) -> Assessment:
    return services.assessment_create(
        brand=BrandFactory(),
        category=category,
        user=UserFactory(),
        answers=answers_at(spec, 0.4),
        submit=True,
    )


def status_of(assessment: Assessment) -> str:
    return Assessment.objects.values_list("status", flat=True).get(pk=assessment.pk)


def being_scored(assessment: Assessment) -> bool:
    """A worker holds the row lock of scoring: claimed, its result not committed yet."""
    with transaction.atomic():
        free = Assessment.objects.select_for_update(skip_locked=True).filter(pk=assessment.pk)
        return status_of(assessment) == Status.SUBMITTED and not list(free.values_list("pk"))


def wait_until_scored(assessments: list[Assessment], *, timeout: float) -> None:
    scored = wait_for(
        lambda: all(status_of(a) == Status.SCORED for a in assessments), timeout=timeout
    )
    assert scored, {a.pk: status_of(a) for a in assessments}


def assert_scored_exactly_once(assessments: list[Assessment]) -> None:
    for a in assessments:
        a.refresh_from_db()
        assert a.status == Status.SCORED, (a.pk, a.status, a.failure_reason)
        assert Result.objects.filter(assessment=a).count() == 1
        result = Result.objects.get(assessment=a)
        ranks = list(Recommendation.objects.filter(result=result).values_list("rank", flat=True))
        assert ranks == list(range(1, len(ranks) + 1)), "one set of recommendations"


@pytest.fixture
def broker(redis_url, postgres_url, tmp_path):
    with redis_server(spare_port(), tmp_path) as server, producing_to(server.url):
        yield server


def test_a_worker_killed_mid_scoring_ten_times_loses_no_assessment(broker, tmp_path):
    spec = edition_spec(Edition.objects.current().pk)
    category = Category.objects.get(slug="cpg")
    submitted = []
    worker = start_worker(broker.url, app="tests.fault_worker", env=FAULT_ENV)
    try:
        for kill in range(KILLS):
            assessment = submit(spec, category)
            submitted.append(assessment)
            assert wait_for(lambda a=assessment: being_scored(a), timeout=30)
            if kill % 2 == 0:
                # The pool process dies: the worker rejects the message and it is redelivered.
                for pid in pool_children(worker):
                    os.kill(pid, signal.SIGKILL)
            else:
                # The whole worker dies unacknowledged: a new worker restores the message.
                kill_group(worker)
                worker = start_worker(broker.url, app="tests.fault_worker", env=FAULT_ENV)
        wait_until_scored(submitted, timeout=120)
    finally:
        stop(worker)
    assert_scored_exactly_once(submitted)


def test_a_worker_killed_while_scoring_a_batch_loses_none_of_it(broker):
    spec = edition_spec(Edition.objects.current().pk)
    category = Category.objects.get(slug="beauty")
    # Submitted before any worker runs: the first task claims them all as one batch.
    submitted = [submit(spec, category) for _ in range(5)]
    worker = start_worker(broker.url, app="tests.fault_worker", env=FAULT_ENV)
    try:
        assert wait_for(lambda: all(being_scored(a) for a in submitted), timeout=30)
        kill_group(worker)
        # The batch's transaction died with it: nothing half-written, all still waiting.
        assert [status_of(a) for a in submitted] == [Status.SUBMITTED] * 5
        assert not Result.objects.filter(assessment__in=submitted).exists()
        worker = start_worker(broker.url, app="tests.fault_worker", env=FAULT_ENV)
        wait_until_scored(submitted, timeout=60)
    finally:
        stop(worker)
    assert_scored_exactly_once(submitted)


def test_submissions_while_redis_is_down_are_scored_once_it_is_back(broker, tmp_path):
    spec = edition_spec(Edition.objects.current().pk)
    category = Category.objects.get(slug="beauty")
    env = {"OUTBOX_DISPATCH_EVERY_SECONDS": "1"}
    broker.stop()
    submitted = [submit(spec, category) for _ in range(3)]
    assert [status_of(a) for a in submitted] == [Status.SUBMITTED] * 3, "saved and queued"
    broker.start()
    # -B runs Celery beat inside the worker: the outbox's dispatcher sends what is waiting.
    worker = start_worker(broker.url, "-B", "--schedule", str(tmp_path / "beat-schedule"), env=env)
    try:
        wait_until_scored(submitted, timeout=60)
    finally:
        stop(worker)
    assert_scored_exactly_once(submitted)
    celery_app.conf.task_always_eager = True
