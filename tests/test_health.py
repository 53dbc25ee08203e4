"""Health that tells the truth, and a 503 (not a 500 or HTML under /api/) without the database."""

from __future__ import annotations

import socket

import pytest
from django.db import OperationalError

from assessments.tests.factories import UserFactory
from readiness import health


def dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    url = f"redis://127.0.0.1:{dead_port()}/0"
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.3},
        }
    }


def _unreachable_cursor(*args, **kwargs):
    raise OperationalError('connection to server at "db" failed: Connection refused')


@pytest.fixture
def database_down(monkeypatch):
    with monkeypatch.context() as patch:  # undone before the test database is rolled back
        patch.setattr(
            "django.db.backends.base.base.BaseDatabaseWrapper.cursor", _unreachable_cursor
        )
        yield


def test_live_answers_without_asking_anything(client, database_down):
    response = client.get("/health/live", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_is_200_when_the_database_redis_and_migrations_are_fine(
    client, db, redis_cache, settings, redis_url
):
    settings.REDIS_URL = redis_url
    response = client.get("/health/ready", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok", "migrations": "ok"}


def test_ready_is_503_naming_redis_while_redis_is_down(client, db, redis_down):
    response = client.get("/health/ready", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 503
    assert response["Retry-After"]
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"].startswith("unreachable")
    assert body["checks"]["database"] == "ok"


def test_ready_is_503_naming_the_database_while_it_is_down(client, db, database_down, monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)
    response = client.get("/health/ready", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "unreachable (OperationalError)"
    assert checks["migrations"].startswith("unknown")


def test_ready_says_when_migrations_are_not_applied(client, db, monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)
    monkeypatch.setattr(
        "django.db.migrations.executor.MigrationExecutor.migration_plan",
        lambda self, targets: [("a migration", False)],
    )
    response = client.get("/health/ready", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "1 not applied"


def test_a_web_page_with_the_database_down_is_a_503_not_a_500(client, db, monkeypatch):
    # As a browser sees it: the test client would otherwise re-raise the error that the handler
    # turned into the 503 (a middleware's session read fails before any view runs).
    client.raise_request_exception = False
    client.force_login(UserFactory())
    with monkeypatch.context() as patch:  # undone before the test database is rolled back
        patch.setattr(
            "django.db.backends.base.base.BaseDatabaseWrapper.cursor", _unreachable_cursor
        )
        response = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 503
    assert response["Retry-After"]


def test_compose_checks_the_web_service_with_ready():
    from tests.test_deployment import COMPOSE

    test = " ".join(COMPOSE["services"]["web"]["healthcheck"]["test"])
    assert "http://localhost:8000/health/ready" in test
