"""The schema documents the statuses and headers a client must handle (issue 16, items 1 and 6):
429 with Retry-After, the RateLimit-* headers on every answer, 409 where a write can conflict,
413 and 415 wherever a body is read."""

from __future__ import annotations

from api.tests.test_schema_clients import operations, schema  # noqa: F401  # a fixture

RATE_LIMIT = {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"}


def test_every_answer_of_every_operation_documents_the_rate_limit_headers(schema):  # noqa: F811
    undocumented = [
        (method, path, code)
        for path, method, operation in operations(schema)
        for code, response in operation["responses"].items()
        if not RATE_LIMIT <= set(response.get("headers", {}))
    ]
    assert undocumented == []


def test_every_operation_documents_its_429_with_retry_after(schema):  # noqa: F811
    for path, method, operation in operations(schema):
        throttled = operation["responses"]["429"]
        assert "Retry-After" in throttled["headers"], (method, path)
        assert throttled["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    # Only a 429 says when to come back.
    assert not [
        code
        for _, _, operation in operations(schema)
        for code, response in operation["responses"].items()
        if code != "429" and "Retry-After" in response.get("headers", {})
    ]


def test_every_operation_with_a_body_documents_413_and_415(schema):  # noqa: F811
    for path, method, operation in operations(schema):
        if method in {"post", "put", "patch"}:
            assert {"413", "415"} <= set(operation["responses"]), (method, path)


def test_writes_that_can_conflict_document_409(schema):  # noqa: F811
    conflicts = {
        ("patch", "/api/v1/assessments/{id}/"),  # a stale version, or not a draft
        ("patch", "/api/v1/actions/{id}/"),  # a stale version
        ("post", "/api/v1/assessments/"),  # an Idempotency-Key still running
        ("post", "/api/v1/webhooks/"),
    }
    documented = {
        (method, path) for path, method, op in operations(schema) if "409" in op["responses"]
    }
    assert conflicts <= documented
