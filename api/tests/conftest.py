"""Layered fixtures: users per role with real API tokens, their brands, and scored assessments."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api.models import WebhookEndpoint
from assessments.edition_specs import edition_spec
from assessments.models import Assessment, Brand, Category, Edition
from assessments.tests.factories import (
    AdminFactory,
    AssessmentFactory,
    BrandFactory,
    UserFactory,
    consultant_for,
    manager_of,
    scored_assessment,
)

ROLES = ["admin", "consultant", "manager", "outsider", "anonymous"]


def token_for(user) -> str:
    """The user's API token, as a client sends it (the one place tests make tokens)."""
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def token_client(user=None) -> APIClient:
    """An API client that authenticates like a real one: with the user's token in a header."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


@pytest.fixture(autouse=True)
def _webhook_receivers_answer_200():
    """Registering an endpoint sends it a ping (in-process in tests): it must not reach the
    network. Tests about sending patch requests.post themselves (test_webhooks.http)."""
    from unittest import mock

    from api import webhooks

    answer = mock.MagicMock(status_code=200)
    answer.__enter__.return_value = answer
    with mock.patch.object(webhooks.requests, "post", return_value=answer):
        yield


@pytest.fixture
def keep_the_test_connection():
    """For requests sent straight to the WSGI app (schemathesis), as Django's test client does.

    The WSGI app closes "old" database connections as each request starts and ends, as it must
    under a real server; inside the test's transaction that would close the test's own connection
    (on PostgreSQL: SQLite's in-memory one never closes), so the next query would fail."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def spec(db):
    return edition_spec(Edition.objects.current().pk)


@pytest.fixture
def beauty(db) -> Category:
    return Category.objects.get(slug="beauty")


@pytest.fixture
def own_brand(db) -> Brand:
    return BrandFactory(slug="own-brand")


@pytest.fixture
def foreign_brand(db) -> Brand:
    return BrandFactory(slug="foreign-brand")


@pytest.fixture
def users(own_brand, foreign_brand) -> dict[str, object]:
    """One user per role; the consultant and the manager serve own_brand only."""
    return {
        "admin": AdminFactory(username="the-admin"),
        "consultant": consultant_for(own_brand, username="the-consultant"),
        "manager": manager_of(own_brand, username="the-manager"),
        "outsider": UserFactory(username="the-outsider"),
        "anonymous": None,
    }


@pytest.fixture
def clients(users) -> dict[str, APIClient]:
    return {role: token_client(user) for role, user in users.items()}


@pytest.fixture
def consultant(users):
    return users["consultant"]


@pytest.fixture
def consultant_client(clients) -> APIClient:
    return clients["consultant"]


@pytest.fixture
def admin_client(clients) -> APIClient:
    return clients["admin"]


@pytest.fixture
def make_scored(spec, beauty, django_capture_on_commit_callbacks) -> Callable[..., Assessment]:
    """Make an assessment of a brand answered at a maturity (0 to 1), scored in-process."""

    def make(brand: Brand, maturity: float = 0.5) -> Assessment:
        return scored_assessment(
            brand=brand,
            category=beauty,
            maturity=maturity,
            capture=django_capture_on_commit_callbacks,
        )

    return make


@pytest.fixture
def world(own_brand, foreign_brand, users, make_scored) -> dict[str, int]:
    """A draft and a scored assessment on each brand, and a webhook endpoint of another user."""
    return {
        "own_draft": AssessmentFactory(brand=own_brand).pk,
        "own_scored": make_scored(own_brand).pk,
        "foreign_draft": AssessmentFactory(brand=foreign_brand).pk,
        "foreign_scored": make_scored(foreign_brand).pk,
        "theirs": WebhookEndpoint.objects.create(
            owner=UserFactory(), url="https://elsewhere.example/hook"
        ).pk,
    }
