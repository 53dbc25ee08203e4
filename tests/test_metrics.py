"""Metrics behind a bearer token, and JSON logs with a request id on every line of a request."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assessments.models import Assessment, OutboxMessage
from assessments.tests.factories import AssessmentFactory

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "a-scraper-token-0123456789"


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN


def test_metrics_are_off_without_a_token_in_the_settings(client, db):
    assert client.get("/metrics", HTTP_X_FORWARDED_PROTO="https").status_code == 404


@pytest.mark.parametrize("header", ["", "Bearer wrong-token", f"Token {TOKEN}"])
def test_metrics_refuse_a_scraper_without_the_token(client, db, metrics_on, header):
    response = client.get("/metrics", HTTP_AUTHORIZATION=header, HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_metrics_show_the_queue_the_outbox_webhooks_and_requests(client, db, metrics_on):
    waiting = AssessmentFactory()
    Assessment.objects.filter(pk=waiting.pk).update(status="submitted")
    OutboxMessage.objects.create(task="assessments.tasks.score_assessment_task", subject_id=1)
    client.get("/health/live", HTTP_X_FORWARDED_PROTO="https")
    response = client.get(
        "/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", HTTP_X_FORWARDED_PROTO="https"
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "readiness_scoring_queue_depth 1.0" in text
    assert "readiness_outbox_backlog 1.0" in text
    assert 'readiness_webhook_deliveries{status="pending"} 0.0' in text
    assert "readiness_scoring_oldest_waiting_seconds" in text
    assert "readiness_redis_failures_total" in text or "readiness_redis_failures" in text
    assert 'django_http_requests_total_by_method_total{method="GET"}' in text


SCRIPT = """
import logging, django
django.setup()
from django.test.utils import setup_test_environment
from django.test import Client
import structlog
setup_test_environment()
Client().get("/health/live", HTTP_X_FORWARDED_PROTO="https", HTTP_X_REQUEST_ID="req-7")
with structlog.contextvars.bound_contextvars(request_id="req-1"):
    logging.getLogger("assessments.services").warning("a line of our own")
"""


def test_json_logs_carry_the_request_id_on_every_line_of_a_request():
    env = os.environ | {
        "LOG_FORMAT": "json",
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "readiness.settings",
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    request_lines = [
        line for line in lines if line.get("event") in {"request_started", "request_finished"}
    ]
    assert len(request_lines) == 2
    # The id the client sent (X-Request-Id, django-guid) on both, not one of structlog's own.
    assert {line["request_id"] for line in request_lines} == {"req-7"}
    ours = [line for line in lines if line.get("event") == "a line of our own"]
    assert ours == [
        {**ours[0], "request_id": "req-1", "logger": "assessments.services", "level": "warning"}
    ]
