"""A database that cannot be reached: the API answers a JSON 503 with Retry-After, never a 500."""

from __future__ import annotations

from django.db import OperationalError

from api import views
from api.tests.errors import detail, error_code


def test_an_api_call_with_the_database_down_is_a_json_503_with_retry_after(
    consultant_client, monkeypatch
):
    def unreachable(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views.AssessmentViewSet, "get_queryset", unreachable)
    response = consultant_client.get("/api/v1/assessments/", HTTP_CACHE_CONTROL="no-cache")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["type"] == "server_error"
    assert error_code(response) == "service_unavailable"
    assert detail(response) == "The service is briefly unavailable. Try again in a few seconds."
    assert int(response["Retry-After"]) > 0
