"""One error format for every status under /api/, a request id on every answer, no redirects."""

from __future__ import annotations

import logging
import re

import pytest
from django_guid.log_filters import CorrelationId
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from api.exceptions import DependencyUnavailable
from api.models import ApiToken
from api.tests.conftest import token_client
from api.tests.errors import detail, error_code
from assessments.tests.factories import UserFactory

ASSESSMENTS = "/api/v1/assessments/"
TOKEN = "/api/v1/auth/token/"


def assert_the_one_format(response, status: int) -> None:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) >= {"type", "errors"}
    # A 400 about fields is a validation_error; one about the body as a whole (not JSON) is not.
    assert body["type"] in (
        {"validation_error", "client_error"} if status == 400 else {"client_error"}
    )
    assert body["errors"] and all(set(e) == {"code", "detail", "attr"} for e in body["errors"])


@pytest.mark.parametrize(
    "status,send",
    [
        (400, lambda c: c.post(ASSESSMENTS, {}, format="json")),
        (400, lambda c: c.post(ASSESSMENTS, "{nope", content_type="application/json")),
        (401, lambda c: APIClient().get(ASSESSMENTS)),
        (401, lambda c: APIClient().post(TOKEN, {"username": "x", "password": "y"}, format="json")),
        (404, lambda c: c.get(f"{ASSESSMENTS}987654/")),
        (404, lambda c: c.get("/api/v1/no-such-thing/")),
        (405, lambda c: c.delete(f"{ASSESSMENTS}")),
        (406, lambda c: c.get(ASSESSMENTS, HTTP_ACCEPT="application/xml")),
        (409, lambda c: c.get(f"{ASSESSMENTS}{c.draft}/report/")),
        (
            411,
            lambda c: c.post(
                ASSESSMENTS,
                b"{}",
                content_type="application/json",
                HTTP_TRANSFER_ENCODING="chunked",
                CONTENT_LENGTH="",
            ),
        ),
        (415, lambda c: c.post(ASSESSMENTS, "a=b", content_type="text/plain")),
    ],
)
def test_every_error_status_answers_in_the_one_format(consultant_client, world, status, send):
    consultant_client.draft = world["own_draft"]
    assert_the_one_format(send(consultant_client), status)


def test_a_dependency_failure_is_a_503_in_the_same_format_with_retry_after(db):
    class NeedsRedis(APIView):
        permission_classes: list = []

        def get(self, request):
            raise DependencyUnavailable("The cache is unavailable.", wait=30)

    response = NeedsRedis.as_view()(APIRequestFactory().get("/api/v1/x/"))
    response.render()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.data == {
        "type": "server_error",
        "errors": [
            {"code": "service_unavailable", "detail": "The cache is unavailable.", "attr": None}
        ],
    }


def test_a_404_never_names_a_model(consultant_client, world):
    # DRF's get_object_or_404 said "No Assessment matches the given query."
    for url in (f"{ASSESSMENTS}987654/", f"{ASSESSMENTS}{world['foreign_draft']}/"):
        response = consultant_client.get(url)
        assert response.status_code == 404 and detail(response) == "Not found."


def test_an_unknown_and_a_deactivated_users_token_read_alike(db):
    user = UserFactory(is_active=False)
    deactivated = token_client(user).get(ASSESSMENTS)
    unknown = APIClient(HTTP_AUTHORIZATION="Token " + "0" * 40).get(ASSESSMENTS)
    assert deactivated.status_code == unknown.status_code == 401
    assert deactivated.json() == unknown.json()
    assert ApiToken.objects.filter(user=user).exists()


@pytest.mark.parametrize("method", ["get", "post", "patch"])
def test_a_path_without_its_slash_is_a_json_404_naming_the_right_path(
    consultant_client, world, method
):
    url = f"{ASSESSMENTS}{world['own_draft']}"
    response = getattr(consultant_client, method)(url, {}, format="json")
    assert response.status_code == 404  # never a 301 to an HTML page, a POST's body lost
    assert detail(response) == f"Not found. API paths end with a slash: {url}/"


def test_an_unknown_path_without_a_slash_is_a_plain_404(consultant_client):
    response = consultant_client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and detail(response) == "Not found."


def test_web_pages_still_get_their_slash_redirect(client, db):
    assert client.get("/login").status_code == 301


def test_a_chunked_body_is_a_411_saying_what_to_send(consultant_client, world):
    response = consultant_client.post(
        ASSESSMENTS,
        b'{"brand": "own-brand", "category": "beauty"}',
        content_type="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
        CONTENT_LENGTH="",
    )
    assert response.status_code == 411 and error_code(response) == "length_required"
    assert "Content-Length" in detail(response)


def test_the_request_id_is_echoed_or_made_and_on_the_requests_log_lines(consultant_client, db):
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    handler.addFilter(CorrelationId())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        sent = consultant_client.get(f"{ASSESSMENTS}987654/", HTTP_X_REQUEST_ID="client-id-42")
    finally:
        logger.removeHandler(handler)
    assert sent["X-Request-Id"] == "client-id-42"
    assert [r.correlation_id for r in records] == ["client-id-42"]  # the 404's warning
    made = consultant_client.get(ASSESSMENTS)["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert made != consultant_client.get(ASSESSMENTS)["X-Request-Id"]
