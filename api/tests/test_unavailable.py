"""A database that cannot be reached: the API answers a JSON 503 with Retry-After, never a 500."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

from api.tests.errors import detail, error_code


@pytest.mark.parametrize(
    "url",
    # The list as first opened (its queries compiled once, api/listing.py), a filtered list
    # (the ORM's queries) and a report (its main query compiled once).
    [
        "/api/v1/assessments/",
        "/api/v1/assessments/?status=scored",
        "/api/v1/assessments/{id}/report/",
    ],
)
def test_an_api_call_with_the_database_down_is_a_json_503_with_retry_after(
    consultant_client, world, monkeypatch, url
):
    consultant_client.get("/api/v1/assessments/")  # the token read and cached while up

    def unreachable(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    # Every query of the request, whichever way it was built, fails as a lost server's does.
    with monkeypatch.context() as patched:
        patched.setattr(BaseDatabaseWrapper, "cursor", unreachable)
        response = consultant_client.get(
            url.format(id=world["own_scored"]), HTTP_CACHE_CONTROL="no-cache"
        )
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["type"] == "server_error"
    assert error_code(response) == "service_unavailable"
    assert detail(response) == "The service is briefly unavailable. Try again in a few seconds."
    assert int(response["Retry-After"]) > 0
