"""Redis down or hung: the API answers without it, fast, and the cache is fresh once it is back.

A refused connection stands for a stopped Redis, a socket that accepts and never answers for a
hung one (what SIGSTOP does); tests/test_faults.py does the same with real processes.
"""

from __future__ import annotations

import logging
import socket
import time

import pytest
from rest_framework.test import APIClient

from assessments import generations
from assessments.demo import answers_at
from assessments.models import Assessment, Brand
from readiness import best_effort

ASSESSMENTS = "/api/v1/assessments/"


def redis_cache_at(settings, url: str) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.3},
        }
    }


@pytest.fixture
def stopped_redis(settings):
    with socket.socket() as sock:  # a port nobody listens on: connections are refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    redis_cache_at(settings, f"redis://127.0.0.1:{port}/0")


@pytest.fixture
def hung_redis(settings):
    # Listening, never accepting: connects succeed (the kernel's backlog), no byte comes back.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        redis_cache_at(settings, f"redis://127.0.0.1:{sock.getsockname()[1]}/0")
        yield


def trip_the_breaker() -> None:
    def refused():
        raise ConnectionRefusedError("Redis is down")

    assert best_effort.call(refused, default="skipped", what="a test") == "skipped"
    assert best_effort.breaker.opened


def submit_body(brand, category, spec) -> dict:
    return {"brand": brand.slug, "category": category.slug, "answers": answers_at(spec, 0.5)}


def test_with_redis_stopped_reads_tokens_and_submissions_all_succeed(
    stopped_redis, consultant_client, consultant, own_brand, beauty, spec, make_scored
):
    own = make_scored(own_brand)
    assert consultant_client.get(ASSESSMENTS).status_code == 200
    assert consultant_client.get(f"{ASSESSMENTS}{own.pk}/report/").status_code == 200
    consultant.set_password("a-long-password-1")
    consultant.save()
    login = {"username": consultant.username, "password": "a-long-password-1"}
    assert APIClient().post("/api/v1/auth/token/", login, format="json").status_code == 200
    body = {**submit_body(own_brand, beauty, spec), "submit": True}
    created = consultant_client.post(ASSESSMENTS, body, format="json")
    assert created.status_code == 201
    assert Assessment.objects.get(pk=created.json()["id"]).status != Assessment.Status.DRAFT


def test_with_redis_stopped_a_wrong_password_is_refused_not_an_error(stopped_redis, consultant):
    # The per-account ceiling cannot count it (assessments/account_lockout.py): still a 401.
    login = {"username": consultant.username, "password": "not-the-password"}
    assert APIClient().post("/api/v1/auth/token/", login, format="json").status_code == 401


def test_with_redis_stopped_a_keyed_post_is_a_503_to_retry_and_creates_nothing(
    stopped_redis, consultant_client, own_brand, beauty, spec
):
    # Without its store a key cannot stop a retry from creating twice: retry later, same key.
    body = submit_body(own_brand, beauty, spec)
    refused = consultant_client.post(
        ASSESSMENTS, body, format="json", HTTP_IDEMPOTENCY_KEY="retry-me-1"
    )
    assert refused.status_code == 503 and refused["Retry-After"]
    assert "same key" in refused.json()["errors"][0]["detail"]
    assert not Assessment.objects.exists()
    # Without the header the same request is served: only keyed requests need Redis.
    assert consultant_client.post(ASSESSMENTS, body, format="json").status_code == 201


def test_throttling_that_fails_open_says_so_in_the_log(stopped_redis, consultant_client, caplog):
    with caplog.at_level(logging.WARNING):
        assert consultant_client.get(ASSESSMENTS).status_code == 200
    assert "Throttle 'user' not counted" in caplog.text


def test_with_redis_hung_one_timeout_per_outage_not_one_per_call(
    hung_redis, consultant_client, own_brand, make_scored
):
    make_scored(own_brand)
    best_effort.reset()  # the outage starts now
    started = time.monotonic()
    assert consultant_client.get(ASSESSMENTS).status_code == 200
    first = time.monotonic() - started
    rest = []
    for _ in range(5):
        started = time.monotonic()
        assert consultant_client.get(ASSESSMENTS).status_code == 200
        rest.append(time.monotonic() - started)
    assert 0.3 <= first < 1.0, "one short timeout, not redis-py's default of none"
    # Each under the 0.3 s read timeout: none of them waited on Redis (each request alone, not
    # their sum, so that a busy machine's slower requests do not read as a wait).
    assert max(rest) < 0.3, "the breaker is open: the next requests skip Redis at once"


def test_a_write_during_an_outage_is_seen_once_redis_is_back(
    redis_cache, consultant_client, own_brand, make_scored
):
    own = make_scored(own_brand)
    consultant_client.get(ASSESSMENTS)
    assert consultant_client.get(ASSESSMENTS).json()["results"][0]["brand"]["name"] != "Renamed"
    trip_the_breaker()  # Redis gone: the rename cannot bump the generation
    Brand.objects.filter(pk=own_brand.pk).update(name="Renamed")
    assert consultant_client.get(ASSESSMENTS).json()["results"][0]["brand"]["name"] == "Renamed"
    best_effort.reset()  # back: the cached answer from before must not come back
    rows = consultant_client.get(ASSESSMENTS).json()["results"]
    assert [(r["id"], r["brand"]["name"]) for r in rows] == [(own.pk, "Renamed")]


def test_an_outage_seen_here_moves_the_generation_on_when_it_ends(redis_cache, db, monkeypatch):
    before = generations.current()
    trip_the_breaker()
    assert generations.current() is None, "no generation: nothing cached during the outage"
    monkeypatch.setattr(best_effort.breaker, "_recovery_timeout", 0)  # time to try again
    assert generations.current() is None  # the first read after: the generation moved on
    assert generations.current() > before
