"""The outbox: scoring and webhook deliveries are rows written with their cause, sent until done."""

from __future__ import annotations

import logging
from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from api import destinations, webhooks
from api.models import WebhookDelivery, WebhookEndpoint
from api.tests.test_webhooks import FakeResponse
from assessments import outbox, services
from assessments.demo import answers_at
from assessments.models import Assessment, OutboxMessage
from assessments.outbox import SCORE
from assessments.tasks import backoff, score_assessment_task
from assessments.tests.factories import AssessmentFactory

Status = Assessment.Status


@pytest.fixture
def draft(spec, consultant, own_brand) -> Assessment:
    draft = AssessmentFactory(brand=own_brand, created_by=consultant)
    services.assessment_save_answers(
        assessment=draft, answers=answers_at(spec, 0.5), expected_version=0
    )
    return draft


@pytest.fixture
def http():
    with (
        mock.patch.object(webhooks.requests, "post", return_value=FakeResponse(200)) as post,
        mock.patch.object(destinations, "resolve", return_value={"93.184.215.14"}),
    ):
        yield post


def broker_down(*args, **kwargs):
    raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def status_of(assessment: Assessment) -> str:
    return Assessment.objects.values_list("status", flat=True).get(pk=assessment.pk)


def test_a_submission_writes_its_scoring_request_in_the_same_transaction(draft):
    services.assessment_submit(assessment=draft, user=draft.created_by)  # not committed yet
    assert OutboxMessage.objects.filter(task=SCORE, subject_id=draft.pk).exists()


def test_with_the_broker_down_a_submission_is_saved_and_scored_by_the_next_dispatch(
    draft, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(score_assessment_task, "apply_async", broker_down)
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        services.assessment_submit(assessment=draft, user=draft.created_by)  # no error raised
    assert status_of(draft) == Status.SUBMITTED
    assert "Redis unreachable, sending assessments.tasks.score_assessment_task" in caplog.text
    row = OutboxMessage.objects.get(task=SCORE, subject_id=draft.pk)
    assert row.due_at <= timezone.now(), "due at once: the next dispatch sends it"
    monkeypatch.undo()  # the broker is back
    assert outbox.outbox_dispatch() == 1
    assert status_of(draft) == Status.SCORED
    assert not OutboxMessage.objects.exists(), "done: scoring emptied its row"


def test_the_dispatcher_leaves_alone_what_was_sent_recently(draft, monkeypatch):
    services.assessment_submit(assessment=draft, user=draft.created_by)  # sent after commit
    assert outbox.outbox_dispatch() == 0
    OutboxMessage.objects.update(due_at=timezone.now() - timedelta(seconds=1))  # its message lost
    assert outbox.outbox_dispatch() == 1
    assert status_of(draft) == Status.SCORED


def test_a_lost_message_after_the_scoring_commit_still_delivers_every_webhook(
    draft, consultant, http, monkeypatch, django_capture_on_commit_callbacks
):
    endpoints = [
        WebhookEndpoint.objects.create(owner=consultant, url=f"https://hooks.example/{n}")
        for n in range(3)
    ]
    Assessment.objects.filter(pk=draft.pk).update(status=Status.SUBMITTED)
    # The worker dies right after the scoring commit: nothing sent after it.
    monkeypatch.setattr(outbox, "_send_after_commit", lambda task, ids: None)
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_score(assessment_id=draft.pk)
    deliveries = WebhookDelivery.objects.filter(endpoint__in=endpoints)
    assert deliveries.count() == 3, "created with the result, in its transaction"
    assert {d.status for d in deliveries} == {"pending"}
    OutboxMessage.objects.update(due_at=timezone.now())
    assert outbox.outbox_dispatch() == 3
    assert {d.status for d in deliveries.all()} == {"succeeded"}
    assert http.call_count == 3
    assert not OutboxMessage.objects.exists()


def test_a_dropped_database_connection_twice_is_retried_and_scored_not_failed(
    draft, monkeypatch, django_capture_on_commit_callbacks
):
    real = services.assessment_score
    faults = [OperationalError("server closed the connection unexpectedly")] * 2

    def flaky(**kwargs):
        if faults:
            raise faults.pop()
        return real(**kwargs)

    monkeypatch.setattr(services, "assessment_score", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_submit(assessment=draft, user=draft.created_by)
    draft.refresh_from_db()
    assert (draft.status, draft.failure_reason) == (Status.SCORED, "")


def test_an_error_that_repeats_fails_with_its_reason_and_empties_the_outbox(
    draft, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise ValueError("an answer names a choice the edition does not have")

    monkeypatch.setattr(services, "results_store_scored", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_submit(assessment=draft, user=draft.created_by)
    draft.refresh_from_db()
    assert draft.status == Status.FAILED
    assert draft.failure_reason.startswith("ValueError: an answer names a choice")
    assert not OutboxMessage.objects.exists()


def test_the_retry_backoff_grows_is_jittered_and_bounded(settings):
    settings.SCORING_RETRY_DELAY, settings.SCORING_RETRY_MAX_DELAY = 1, 60
    for retries in range(12):
        waits = {backoff(retries) for _ in range(50)}
        assert all(0 <= wait <= min(60, 2**retries) for wait in waits)
    assert len({backoff(8) for _ in range(50)}) > 1, "jittered"


def test_the_row_of_a_deleted_assessment_is_emptied_by_its_task(draft):
    services.assessment_submit(assessment=draft, user=draft.created_by)
    Assessment.objects.filter(pk=draft.pk).delete()
    score_assessment_task.delay(draft.pk)
    assert not OutboxMessage.objects.exists(), "never sent again"
