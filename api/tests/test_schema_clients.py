"""What a generated client relies on: the schema says what the server does, and vice versa."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api.models import WebhookEndpoint
from api.tests.errors import fields

WEBHOOKS = "/api/v1/webhooks/"


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/?format=json").json()


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_accept_language_is_a_plain_string_as_the_server_takes_any(schema):
    for _, _, operation in operations(schema):
        [header] = [p for p in operation["parameters"] if p["name"] == "Accept-Language"]
        assert header["schema"] == {"type": "string"}


def test_ids_in_paths_are_integers(schema):
    ids = [
        p["schema"]
        for _, _, operation in operations(schema)
        for p in operation.get("parameters", [])
        if p["in"] == "path"
    ]
    assert ids and all(s == {"type": "integer", "minimum": 0} for s in ids)


def test_each_resource_has_its_own_tag(schema):
    tags = {(path.split("/")[3], tuple(op["tags"])) for path, _, op in operations(schema)}
    assert all(tag == (resource,) for resource, tag in tags)
    assert {resource for resource, _ in tags} >= {"assessments", "webhooks", "auth"}


def test_inputs_refuse_undeclared_fields_in_the_schema_too(schema):
    components = schema["components"]["schemas"]
    for name in (
        "TokenInput",
        "AssessmentCreate",
        "PatchedAssessmentUpdate",
        "WebhookEndpointInput",
    ):
        assert components[name]["additionalProperties"] is False, name
    assert components["TokenInput"]["properties"]["username"]["minLength"] == 1


def test_every_operation_documents_406(schema):
    assert all("406" in op["responses"] for _, _, op in operations(schema))


@pytest.mark.parametrize(
    "body,field", [({"url": "https://a.example/h", "is_active": 0}, "is_active")]
)
def test_a_boolean_must_be_true_or_false(consultant_client, world, body, field):
    response = consultant_client.post(WEBHOOKS, body, format="json")
    assert response.status_code == 400 and fields(response) == {field: ["Must be true or false."]}


def test_submit_yes_is_not_a_boolean(consultant_client, world):
    body = {"brand": "own-brand", "category": "beauty", "submit": "yes"}
    response = consultant_client.post("/api/v1/assessments/", body, format="json")
    assert response.status_code == 400 and list(fields(response)) == ["submit"]


def test_a_registered_endpoint_is_at_its_location(consultant_client, world):
    created = consultant_client.post(WEBHOOKS, {"url": "https://a.example/h"}, format="json")
    assert created["Location"] == f"{WEBHOOKS}{created.json()['id']}/"
    assert consultant_client.get(created["Location"]).json()["url"] == "https://a.example/h"


def test_rotating_the_secret_shows_the_new_one_once(consultant_client, consultant, world):
    endpoint = WebhookEndpoint.objects.create(owner=consultant, url="https://a.example/h")
    old = endpoint.secret
    response = consultant_client.post(f"{WEBHOOKS}{endpoint.pk}/rotate-secret/")
    assert response.status_code == 200
    new = response.json()["secret"]
    endpoint.refresh_from_db()
    assert new != old and endpoint.secret == new and len(new) == 64
    assert "secret" not in consultant_client.get(f"{WEBHOOKS}{endpoint.pk}/").json()


def test_another_users_secret_cannot_be_rotated(consultant_client, world):
    response = consultant_client.post(f"{WEBHOOKS}{world['theirs']}/rotate-secret/")
    assert response.status_code == 404
    before = WebhookEndpoint.objects.get(pk=world["theirs"]).secret
    assert WebhookEndpoint.objects.get(pk=world["theirs"]).secret == before


def test_an_internationalised_host_is_echoed_as_a_uri(consultant_client, world):
    created = consultant_client.post(
        WEBHOOKS, {"url": "https://bücher.example/h?q=1"}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["url"] == "https://xn--bcher-kva.example/h?q=1"


def test_an_empty_patch_of_answers_is_invalid_in_the_schema_as_on_the_server(schema):
    assert schema["components"]["schemas"]["PatchedAssessmentUpdate"]["minProperties"] == 1


def descriptions(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "description" and isinstance(value, str):
                yield value
            else:
                yield from descriptions(value)
    elif isinstance(node, list):
        for value in node:
            yield from descriptions(value)


def test_no_description_speaks_of_the_code(schema):
    text = "\n".join(descriptions(schema))
    # A view's mixin docstring is not a description of the operation.
    assert "Refuse query parameters the action does not read" not in text
    for internal in (
        "()",
        "_ROWS",
        ".py",
        "assessments.",
        "DATA_UPLOAD",
        "API_COUNT_LIMIT",
    ):
        assert internal not in text, internal


def test_every_operation_documents_the_errors_it_can_answer(schema):
    for path, method, operation in operations(schema):
        codes = set(operation["responses"])
        assert {"400", "404", "406", "429"} <= codes, (path, method)
        if method in ("post", "patch"):
            assert {"413", "415"} <= codes, (path, method)
        if "/report" in path:
            assert "409" in codes, (path, method)


DOWNLOADS = {
    "/api/v1/assessments/{id}/report/csv/": ["text/csv"],
    "/api/v1/assessments/{id}/report/pdf/": ["application/pdf", "application/octet-stream"],
    "/api/v1/assessments/{id}/report/xlsx/": [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/octet-stream",
    ],
    "/api/v1/assessments/export/csv/": ["text/csv"],
    "/api/v1/assessments/export/xlsx/": [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/octet-stream",
    ],
}


def test_each_download_is_an_operation_of_its_own_media_type(schema):
    for path, media_types in DOWNLOADS.items():
        assert list(schema["paths"][path]["get"]["responses"]["200"]["content"]) == media_types
    # The JSON operations answer JSON only, and offer no ?format= to a generated client.
    for path, _, operation in operations(schema):
        if path not in DOWNLOADS:
            assert list(operation["responses"].get("200", {}).get("content", {"": 0})) in (
                ["application/json"],
                [""],
            ), path
        assert "format" not in [p["name"] for p in operation["parameters"]], path


def test_every_json_operation_has_an_example_request_and_answer(schema):
    for path, method, operation in operations(schema):
        for code, response in operation["responses"].items():
            json_body = response.get("content", {}).get("application/json")
            if code.startswith("2") and json_body:
                assert json_body.get("examples"), (path, method, code)
        for body in operation.get("requestBody", {}).get("content", {}).values():
            assert body.get("examples"), (path, method, "request")
    csv = schema["paths"]["/api/v1/assessments/export/csv/"]["get"]["responses"]["200"]
    assert csv["content"]["text/csv"]["examples"]
