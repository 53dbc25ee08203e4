"""OWASP API Security Top 10 (2023) items not covered elsewhere.

API1 (object level authorization) is the access matrix in api/tests/test_access.py; API3 (mass
assignment of service-owned fields) and API4 (resource consumption limits) are in
api/tests/test_bad_input.py. Here: API5, broken function level authorization, and secrets in logs.
"""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from api.tests.factories import token_for
from assessments.models import Edition
from assessments.tests.factories import BrandFactory, consultant_for, manager_of

pytestmark = pytest.mark.django_db

ADMIN_OPERATIONS = ["copy", "preview", "publish", "rescore"]


@pytest.fixture
def non_staff_users():
    brand = BrandFactory()
    return [manager_of(brand), consultant_for(brand)]


@pytest.mark.parametrize("operation", ADMIN_OPERATIONS)
def test_admin_only_operations_refuse_managers_and_consultants(client, non_staff_users, operation):
    edition = Edition.objects.current()
    # Every edition migrate loads (2017 and 2026): none copied, published or made current.
    before = list(Edition.objects.order_by("pk").values_list("pk", "status", "is_current"))
    url = reverse(f"admin:assessments_edition_{operation}", args=[edition.pk])
    for user in non_staff_users:
        client.force_login(user)
        response = client.post(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    assert list(Edition.objects.order_by("pk").values_list("pk", "status", "is_current")) == before
    assert Edition.objects.current() == edition


def test_the_admin_site_refuses_an_api_token(non_staff_users):
    token = token_for(non_staff_users[1])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(reverse("admin:assessments_edition_changelist")).status_code == 302


def test_passwords_and_tokens_never_reach_the_logs(caplog, non_staff_users):
    caplog.set_level(logging.DEBUG)
    user = non_staff_users[0]
    user.set_password("a-long-private-password")
    user.save()
    client = APIClient()
    ok = client.post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": "a-long-private-password"},
        format="json",
    )
    assert ok.status_code == 200
    token = ok.json()["token"]
    client.post("/api/v1/auth/token/", {"username": user.username, "password": "wrong-private-pw"})
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    client.get("/api/v1/assessments/")
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token-value-123")
    assert client.get("/api/v1/assessments/").status_code == 401
    for secret in ("a-long-private-password", "wrong-private-pw", token, "not-a-real-token"):
        assert secret not in caplog.text
