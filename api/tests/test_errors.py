"""Every answer under /api/, errors included, is JSON in the shape the schema documents.

Requests go through schemathesis, which checks each answer against the OpenAPI schema (a server
error, an undocumented content type, a body that breaks its schema) before the test reads it.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.test import RequestFactory
from rest_framework.throttling import ScopedRateThrottle
from schemathesis import checks

from api.error_views import server_error
from api.models import WebhookEndpoint
from api.tests.errors import detail, error_code, fields, under
from api.tests.factories import token_for
from assessments.models import Assessment
from assessments.tests.factories import UserFactory
from readiness.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
CONTRACT = [
    checks.not_a_server_error,
    checks.response_schema_conformance,
    checks.content_type_conformance,
]
NOT_FOUND = "Not found."
ASSESSMENT = "/api/v1/assessments/{id}/"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture
def call(users, keep_the_test_connection):
    """Call one operation of the schema, as the consultant unless auth=False; check the contract."""
    token = token_for(users["consultant"])

    def call(method: str, path: str, *, auth: bool = True, **case):
        if "body" in case:
            case.setdefault("media_type", "application/json")
        headers = {"Authorization": f"Token {token}"} if auth else {}
        return schema[path][method].Case(**case).call_and_validate(headers=headers, checks=CONTRACT)

    return call


# --- Ids and paths that match no route ----------------------------------------------------------


@pytest.mark.parametrize(
    "method,path,pk",
    [
        ("GET", ASSESSMENT, "0.5"),
        ("GET", ASSESSMENT, "AAA"),
        ("GET", "/api/v1/assessments/{id}/report/", "-1"),
        ("GET", "/api/v1/webhooks/{id}/deliveries/", "0.5"),
        ("DELETE", "/api/v1/webhooks/{id}/", "null"),
    ],
)
def test_a_malformed_id_under_the_api_answers_a_json_404(call, world, method, path, pk):
    response = call(method, path, path_parameters={"id": pk})
    assert response.status_code == 404
    assert detail(response) == NOT_FOUND


def test_a_malformed_id_in_a_write_answers_a_json_404(call, world):
    response = call(
        "PATCH", ASSESSMENT, path_parameters={"id": "0.5"}, body={"submit": True, "version": 0}
    )
    assert response.status_code == 404
    assert detail(response) == NOT_FOUND


def test_a_malformed_id_with_format_csv_still_answers_a_json_404(call, world):
    response = call(
        "GET",
        "/api/v1/assessments/{id}/report/",
        path_parameters={"id": "0.5"},
        query={"format": "csv"},
    )
    assert response.status_code == 404
    assert detail(response) == NOT_FOUND


def test_an_id_too_large_for_the_database_is_a_404_not_a_server_error(call, world):
    response = call("GET", ASSESSMENT, path_parameters={"id": "9" * 30})
    assert response.status_code == 404


def test_an_unknown_path_under_the_api_answers_a_json_404(consultant_client):
    response = consultant_client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert detail(response) == NOT_FOUND


def test_an_unknown_page_outside_the_api_keeps_the_html_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_server_error_under_the_api_is_json_and_html_elsewhere():
    api = server_error(RequestFactory().get("/api/v1/assessments/"))
    assert api.status_code == 500
    assert json.loads(api.content) == {
        "type": "server_error",
        "errors": [{"code": "error", "detail": "A server error occurred.", "attr": None}],
    }
    web = server_error(RequestFactory().get("/dashboard/"))
    assert web.status_code == 500
    assert web["Content-Type"].startswith("text/html")


# --- Validation errors: field maps, documented as such ------------------------------------------


def test_a_list_filter_with_an_unreadable_date_is_a_documented_400(call, world):
    response = call("GET", "/api/v1/assessments/", query={"submitted_before": ["null", "null"]})
    assert response.status_code == 400
    assert list(fields(response)) == ["submitted_before"]


def test_bad_answers_are_a_documented_400_per_question(call, world):
    body = {"brand": "own-brand", "category": "beauty", "answers": {"no-such-question": 1}}
    response = call("POST", "/api/v1/assessments/", body=body)
    assert response.status_code == 400
    assert list(under(response, "answers")) == ["no-such-question"]


def test_a_field_the_service_owns_is_a_documented_400_on_that_field(call, world):
    body = {"url": "https://hooks.example/readiness", "secret": "mine"}
    response = call("POST", "/api/v1/webhooks/", body=body)
    assert response.status_code == 400
    assert list(fields(response)) == ["secret"]


def test_a_token_request_with_missing_fields_is_a_documented_400(call, world):
    response = call("POST", TOKEN, auth=False, body={})
    assert response.status_code == 400
    assert set(fields(response)) == {"username", "password"}


# --- Other errors -------------------------------------------------------------------------------


def test_a_page_before_the_first_is_a_documented_404(call, users, world):
    endpoint = WebhookEndpoint.objects.create(owner=users["consultant"], url="https://a.example/")
    response = call(
        "GET",
        "/api/v1/webhooks/{id}/deliveries/",
        path_parameters={"id": endpoint.pk},
        query={"page": 0},
    )
    assert response.status_code == 404
    assert detail(response) == "Invalid page."


def test_another_users_webhook_is_a_documented_404_on_patch(call, world):
    response = call(
        "PATCH",
        "/api/v1/webhooks/{id}/",
        path_parameters={"id": world["theirs"]},
        body={"description": "mine now"},
    )
    assert response.status_code == 404


def test_a_stale_version_is_a_documented_409_with_the_current_version(call, world):
    draft = Assessment.objects.get(pk=world["own_draft"])
    response = call(
        "PATCH",
        ASSESSMENT,
        path_parameters={"id": draft.pk},
        body={"answers": {}, "version": draft.version + 5},
    )
    assert response.status_code == 409
    assert response.json()["current_version"] == draft.version


def test_a_report_before_scoring_is_a_documented_json_409_even_as_csv(call, world):
    response = call(
        "GET",
        "/api/v1/assessments/{id}/report/",
        path_parameters={"id": world["own_draft"]},
        query={"format": "csv"},
    )
    assert response.status_code == 409
    assert "no report yet" in detail(response)


def test_a_throttled_token_request_is_a_documented_429(call, world, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "token", "1/minute")
    call("POST", TOKEN, auth=False, body={"username": "x", "password": "y"})
    response = call("POST", TOKEN, auth=False, body={"username": "x", "password": "y"})
    assert response.status_code == 429
    assert "throttled" in detail(response).lower()


def test_a_locked_out_login_is_a_documented_429(call, world, settings):
    settings.AXES_FAILURE_LIMIT = 1
    UserFactory(username="li")
    call("POST", TOKEN, auth=False, body={"username": "li", "password": "wrong"})
    response = call("POST", TOKEN, auth=False, body={"username": "li", "password": "wrong"})
    assert response.status_code == 429
    assert error_code(response) == "locked_out"


# --- Success bodies and the schema itself -------------------------------------------------------


def test_a_drafts_detail_with_nothing_scored_keeps_the_schema(call, world):
    response = call("GET", ASSESSMENT, path_parameters={"id": world["own_draft"]})
    assert response.status_code == 200
    body = response.json()
    assert body["report"] is None and body["tier"] is None and body["readiness_index"] is None


@pytest.mark.parametrize(
    "path,content_type",
    [
        ("/api/v1/assessments/export/csv/", "text/csv"),
        ("/api/v1/assessments/export/xlsx/", "application/vnd.openxmlformats"),
        ("/api/v1/assessments/{id}/report/csv/", "text/csv"),
        ("/api/v1/assessments/{id}/report/pdf/", "application/pdf"),
        ("/api/v1/assessments/{id}/report/xlsx/", "application/vnd.openxmlformats"),
    ],
)
def test_the_downloads_answer_as_documented(call, world, path, content_type):
    response = call("GET", path, path_parameters={"id": world["own_scored"]})
    assert response.status_code == 200
    assert response.headers["content-type"][0].startswith(content_type)


def test_every_operation_documents_its_errors_as_json():
    for path, operations in schema.raw_schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"404", "429"} <= set(responses), (method, path)
            if operation.get("security"):
                assert "401" in responses, (method, path)
            if method in {"post", "patch"}:
                assert {"400", "413", "415"} <= set(responses), (method, path)
            for code, response in responses.items():
                if code >= "400":
                    assert list(response["content"]) == ["application/json"], (method, path, code)
