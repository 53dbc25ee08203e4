"""Webhooks: registration, who receives assessment.scored, signatures, retries, the delivery log."""

from __future__ import annotations

import json
import re
import time
from unittest import mock

import pytest
import requests
from django.conf import settings

from api import destinations, webhooks
from api.models import WebhookDelivery, WebhookEndpoint
from api.tasks import deliver_webhook_task
from api.tests.errors import fields
from assessments.models import Membership
from assessments.tests.factories import AdminFactory, UserFactory, consultant_for

WEBHOOKS = "/api/v1/webhooks/"


class FakeResponse:
    def __init__(self, status_code: int, body: bytes = b"") -> None:
        self.status_code = status_code
        self.raw = mock.Mock(read=mock.Mock(return_value=body))

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None


@pytest.fixture
def http():
    """requests.post as the webhook service calls it; answers 200 unless a test says otherwise."""
    # The receivers' names resolve to a public address (example.com's), whatever this machine's DNS.
    with (
        mock.patch.object(webhooks.requests, "post", return_value=FakeResponse(200)) as post,
        mock.patch.object(destinations, "resolve", return_value={"93.184.215.14"}),
    ):
        yield post


def endpoint_for(user, url: str = "https://hooks.example/readiness", **kwargs) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(owner=user, url=url, **kwargs)


# --- Registration -------------------------------------------------------------------------------


def test_the_secret_is_shown_once_on_create(consultant_client):
    created = consultant_client.post(WEBHOOKS, {"url": "https://a.example/h"}, format="json")
    assert created.status_code == 201
    secret = created.json()["secret"]
    assert len(secret) == 64
    assert WebhookEndpoint.objects.get(pk=created.json()["id"]).secret == secret
    read = consultant_client.get(f"{WEBHOOKS}{created.json()['id']}/").json()
    assert "secret" not in read
    assert all("secret" not in row for row in consultant_client.get(WEBHOOKS).json()["results"])


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:6379/",
        "http://localhost:8000/hook",
        "http://169.254.169.254/latest/meta-data/",
        "https://10.1.2.3/h",
        "http://[::1]/h",
        "http://[::ffff:192.168.0.1]/h",
    ],
)
def test_an_address_off_the_public_internet_is_refused_naming_the_url(consultant_client, url):
    # The service would otherwise post into its own network, and the delivery log would show
    # the owner an excerpt of what answered there.
    response = consultant_client.post(WEBHOOKS, {"url": url}, format="json")
    assert response.status_code == 400
    assert "not a public internet address" in fields(response)["url"][0]
    assert not WebhookEndpoint.objects.exists()


def test_a_private_address_is_accepted_when_the_settings_allow_it(consultant_client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    response = consultant_client.post(WEBHOOKS, {"url": "http://10.1.2.3/h"}, format="json")
    assert response.status_code == 201


def test_a_name_that_moved_to_a_private_address_is_not_sent_to(pending, http):
    # Registered while public; before an attempt the name resolves to the private network.
    with mock.patch.object(destinations, "resolve", return_value={"10.0.0.7"}):
        deliver_webhook_task.apply(args=[pending.pk])
    pending.refresh_from_db()
    assert http.call_count == 0
    assert (pending.status, pending.attempts) == ("failed", 1)
    assert "not a public internet address" in pending.last_error


@pytest.mark.parametrize(
    "url", ["ftp://a.example/h", "javascript:alert(1)", "file:///etc/passwd", "not a url"]
)
def test_only_http_and_https_urls_are_accepted(consultant_client, url):
    response = consultant_client.post(WEBHOOKS, {"url": url}, format="json")
    assert response.status_code == 400
    assert "url" in fields(response)
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("field", ["owner", "secret"])
def test_the_owner_and_the_secret_cannot_be_set(consultant_client, users, field):
    body = {"url": "https://a.example/h", field: users["admin"].pk if field == "owner" else "x"}
    response = consultant_client.post(WEBHOOKS, body, format="json")
    assert response.status_code == 400 and field in fields(response)
    assert not WebhookEndpoint.objects.exists()


# --- Who hears about a scored assessment --------------------------------------------------------


def test_only_endpoints_whose_owner_may_see_the_brand_receive_the_event(
    own_brand, foreign_brand, consultant, make_scored, http
):
    mine = endpoint_for(consultant)
    admins = endpoint_for(AdminFactory())
    endpoint_for(consultant_for(foreign_brand))
    endpoint_for(UserFactory())
    endpoint_for(consultant, url="https://paused.example/", is_active=False)
    scored = make_scored(own_brand)
    deliveries = WebhookDelivery.objects.filter(subject_id=scored.result_id)
    assert {d.endpoint_id for d in deliveries} == {mine.pk, admins.pk}
    assert {d.status for d in deliveries} == {"succeeded"}
    assert {call.args[0] for call in http.call_args_list} == {mine.url, admins.url}


def test_a_batch_of_scored_assessments_announces_each_to_those_who_may_see_it(
    own_brand, foreign_brand, consultant, make_scored, http
):
    # Scoring stores a batch of waiting assessments at once and announces them together.
    own, foreign = make_scored(own_brand), make_scored(foreign_brand)
    mine, admins = endpoint_for(consultant), endpoint_for(AdminFactory())
    created = webhooks.deliveries_create_for_scored(
        results={own.pk: own.result_id, foreign.pk: foreign.result_id, 987654: 1}
    )
    made = {(d.endpoint_id, d.subject_id) for d in WebhookDelivery.objects.filter(pk__in=created)}
    assert made == {
        (mine.pk, own.result_id),
        (admins.pk, own.result_id),
        (admins.pk, foreign.result_id),
    }


def test_the_event_is_signed_so_the_receiver_can_verify_it(
    own_brand, consultant, make_scored, http
):
    endpoint = endpoint_for(consultant)
    scored = make_scored(own_brand)
    call = http.call_args
    body, headers = call.kwargs["data"], call.kwargs["headers"]
    timestamp = int(headers["X-Readiness-Timestamp"])
    signature = headers["X-Readiness-Signature"]
    assert signature.startswith("sha256=")
    assert webhooks.verify(endpoint.secret, timestamp, body, signature, now=time.time())
    assert not webhooks.verify("another-secret", timestamp, body, signature, now=time.time())
    assert not webhooks.verify(endpoint.secret, timestamp, body + b" ", signature, now=time.time())
    event = json.loads(body)
    assert event["event"] == headers["X-Readiness-Event"] == "assessment.scored"
    assert event["data"]["assessment_id"] == scored.pk
    assert (
        event["data"]["report_url"] == f"{settings.SITE_URL}/api/v1/assessments/{scored.pk}/report/"
    )


def test_an_old_timestamp_does_not_verify_so_a_captured_event_cannot_be_replayed():
    signature = webhooks.sign("s", 1_000, b"{}")
    assert webhooks.verify("s", 1_000, b"{}", signature, now=1_000 + 60)
    assert not webhooks.verify("s", 1_000, b"{}", signature, now=1_000 + 3600)


def test_requests_are_sent_with_a_timeout_and_without_following_redirects(
    own_brand, consultant, make_scored, http
):
    endpoint_for(consultant)
    make_scored(own_brand)
    assert http.call_args.kwargs["allow_redirects"] is False
    assert http.call_args.kwargs["timeout"]


def test_announcing_the_same_result_twice_makes_one_delivery(
    own_brand, consultant, make_scored, http
):
    endpoint_for(consultant)
    scored = make_scored(own_brand)
    again = webhooks.deliveries_create_for_scored(results={scored.pk: scored.result_id})
    assert again == []
    assert WebhookDelivery.objects.count() == 1


# --- Retries ------------------------------------------------------------------------------------


@pytest.fixture
def pending(own_brand, consultant, make_scored, http):
    """A delivery waiting to be sent: its task was not enqueued, the test runs it."""
    endpoint_for(consultant)
    with mock.patch.object(webhooks, "_enqueue"):
        make_scored(own_brand)
    return WebhookDelivery.objects.get()


def test_a_5xx_is_retried_up_to_the_limit_then_marked_failed(pending, http, monkeypatch):
    monkeypatch.setattr(deliver_webhook_task, "max_retries", 2)
    http.return_value = FakeResponse(503, b"busy")
    deliver_webhook_task.apply(args=[pending.pk])
    pending.refresh_from_db()
    assert http.call_count == 3
    assert (pending.status, pending.attempts, pending.response_status) == ("failed", 3, 503)
    assert pending.last_error == "HTTP 503: busy"


def test_a_connection_error_is_retried_and_a_later_success_is_logged(pending, http):
    http.side_effect = [requests.ConnectionError("refused"), FakeResponse(204)]
    deliver_webhook_task.apply(args=[pending.pk])
    pending.refresh_from_db()
    assert (pending.status, pending.attempts, pending.response_status) == ("succeeded", 2, 204)
    assert pending.last_error == "" and pending.delivered_at is not None


@pytest.mark.parametrize("status", [301, 400, 410])
def test_a_redirect_or_a_4xx_fails_at_once(pending, http, status):
    http.return_value = FakeResponse(status)
    deliver_webhook_task.apply(args=[pending.pk])
    pending.refresh_from_db()
    assert (pending.status, pending.attempts, http.call_count) == ("failed", 1, 1)


def test_the_retry_delay_doubles_up_to_a_cap(settings):
    settings.WEBHOOK_RETRY_DELAY, settings.WEBHOOK_RETRY_MAX_DELAY = 30, 100
    assert [webhooks.retry_delay(n) for n in range(4)] == [30, 60, 100, 100]


def test_a_delivered_event_is_not_sent_again(pending, http):
    deliver_webhook_task.apply(args=[pending.pk])
    deliver_webhook_task.apply(args=[pending.pk])
    assert http.call_count == 1


def test_a_deleted_delivery_is_a_no_op(db, http):
    deliver_webhook_task.apply(args=[987654])
    assert http.call_count == 0


# --- Access, asked again at every attempt --------------------------------------------------------


def unassign(user, brand) -> None:
    Membership.objects.filter(user=user, brand=brand).delete()


def test_an_attempt_for_a_brand_the_owner_no_longer_serves_is_cancelled_unsent(
    pending, http, consultant, own_brand
):
    unassign(consultant, own_brand)
    deliver_webhook_task.apply(args=[pending.pk])
    pending.refresh_from_db()
    assert http.call_count == 0
    assert pending.status == "cancelled"
    assert "can no longer see this event's brand" in pending.last_error


def test_an_attempt_for_a_deactivated_owner_is_cancelled_unsent(pending, http, consultant):
    consultant.is_active = False
    consultant.save(update_fields=["is_active"])
    deliver_webhook_task.apply(args=[pending.pk])
    pending.refresh_from_db()
    assert http.call_count == 0
    assert pending.status == "cancelled" and "deactivated" in pending.last_error


def test_a_retry_after_the_owner_lost_the_brand_is_not_sent(pending, http, consultant, own_brand):
    # The first attempt fails while the consultant still serves the brand; they are unassigned
    # before the retry, which must not carry the brand's result to them.
    def fail_then_unassign(*args, **kwargs):
        unassign(consultant, own_brand)
        return FakeResponse(503, b"busy")

    http.side_effect = fail_then_unassign
    deliver_webhook_task.apply(args=[pending.pk])
    pending.refresh_from_db()
    assert http.call_count == 1
    assert (pending.status, pending.response_status) == ("cancelled", None)


def test_the_delivery_log_hides_the_payload_of_a_brand_the_owner_no_longer_sees(
    pending, http, consultant, own_brand, consultant_client
):
    deliver_webhook_task.apply(args=[pending.pk])
    log = f"{WEBHOOKS}{pending.endpoint_id}/deliveries/"
    assert consultant_client.get(log).json()["results"][0]["payload"]["data"]["brand"]
    unassign(consultant, own_brand)
    [row] = consultant_client.get(log).json()["results"]
    assert row["payload"] is None
    assert row["status"] == "succeeded"
    assert own_brand.slug not in json.dumps(row) and own_brand.name not in json.dumps(row)


def test_reading_the_delivery_log_costs_the_same_queries_for_one_row_or_many(
    own_brand, consultant, make_scored, http, consultant_client, django_assert_max_num_queries
):
    endpoint = endpoint_for(consultant)
    for _ in range(3):
        make_scored(own_brand)
    # Auth, the endpoint, the count, the page, the visible brands: never one per row.
    with django_assert_max_num_queries(6):
        rows = consultant_client.get(f"{WEBHOOKS}{endpoint.pk}/deliveries/").json()["results"]
    assert len(rows) == 3 and all(row["payload"] for row in rows)


# --- The delivery log ---------------------------------------------------------------------------


def test_the_owner_reads_the_delivery_log(pending, http, consultant_client):
    http.return_value = FakeResponse(500, b"oops")
    with mock.patch.object(deliver_webhook_task, "max_retries", 0):
        deliver_webhook_task.apply(args=[pending.pk])
    rows = consultant_client.get(f"{WEBHOOKS}{pending.endpoint_id}/deliveries/").json()["results"]
    assert len(rows) == 1
    row = rows[0]
    assert row["status"] == "failed" and row["attempts"] == 1 and row["response_status"] == 500
    assert row["last_error"] == "HTTP 500: oops"
    assert row["event"] == "assessment.scored" and row["last_attempt_at"]
    assert row["payload"]["data"]["assessment_id"]


def test_admins_read_endpoints_and_deliveries_without_the_secret(pending, client):
    client.force_login(AdminFactory())
    endpoint_page = client.get(f"/admin/api/webhookendpoint/{pending.endpoint_id}/change/")
    assert endpoint_page.status_code == 200
    assert pending.endpoint.secret not in endpoint_page.content.decode()
    assert client.get("/admin/api/webhookdelivery/").status_code == 200
    assert client.get(f"/admin/api/webhookdelivery/{pending.pk}/change/").status_code == 200


def test_the_readmes_verification_example_accepts_our_signature():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    # The code block after the sentence, however the paragraph before it is wrapped.
    found = re.search(r"Verify before\s+parsing:\s*```python\n(.*?)```", readme, re.DOTALL)
    assert found, "the README's webhook section lost its verification example"
    example = found.group(1)
    namespace: dict = {}
    exec(example, namespace)
    timestamp, body = int(time.time()), b'{"event":"assessment.scored"}'
    headers = {
        "X-Readiness-Timestamp": str(timestamp),
        "X-Readiness-Signature": webhooks.sign("s3cret", timestamp, body),
    }
    assert namespace["verify"]("s3cret", headers, body)
    assert not namespace["verify"]("other", headers, body)
    # Header names in any case, as frameworks hand them over (lower-cased by some).
    assert namespace["verify"]("s3cret", {k.lower(): v for k, v in headers.items()}, body)
    assert not namespace["verify"]("s3cret", {}, body)


def test_a_webhook_failure_never_disturbs_scoring(own_brand, consultant, make_scored):
    endpoint_for(consultant)
    with mock.patch.object(webhooks, "scored_payload", side_effect=RuntimeError("bug")):
        scored = make_scored(own_brand)
    assert scored.status == "scored"
    assert not WebhookDelivery.objects.exists()


def test_the_delivery_service_does_not_import_the_tasks_that_import_it():
    # The task module imports api.webhooks; the signal listener enqueues what it creates.
    import ast
    from pathlib import Path

    tree = ast.parse(Path(webhooks.__file__).read_text())
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    assert not any(name and name.startswith("api.tasks") for name in imported)


def test_a_registered_endpoint_is_sent_a_ping_at_once(
    consultant_client, http, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = consultant_client.post(WEBHOOKS, {"url": "https://a.example/h"}, format="json")
    [delivery] = WebhookDelivery.objects.filter(endpoint_id=created.json()["id"])
    assert (delivery.event, delivery.status) == ("ping", "succeeded")
    assert delivery.payload["data"] == {
        "endpoint_id": created.json()["id"],
        "url": "https://a.example/h",
    }
    assert http.call_args.kwargs["headers"]["X-Readiness-Event"] == "ping"
    log = consultant_client.get(f"{WEBHOOKS}{created.json()['id']}/deliveries/").json()
    assert log["results"][0]["payload"]["event"] == "ping"
