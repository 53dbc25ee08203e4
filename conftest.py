"""Fixtures shared by every test folder: the real services the tests may need, and in-process tasks.

Tests that need PostgreSQL or Redis skip with a reason that says how to enable them; under CI
(CI=true) they fail instead, so a CI run can never pass by quietly skipping them.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest
from django.test import override_settings

from readiness.celery import app as celery_app

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip outside CI, fail in CI: a missing service must never turn CI green."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI needs this: {reason}")
    pytest.skip(reason)


def reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    require(bool(url), "set REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run tests on real Redis")
    require(reachable(url), f"Redis at REDIS_URL={url} is not reachable")
    return url


# The Redis database of tests that use Redis as the cache: flushed by them, so never the broker's.
CACHE_TEST_REDIS_DB = 15


@pytest.fixture
def redis_cache(redis_url, settings):
    """The production cache (Redis) for one test, on a database of its own, emptied around it."""
    import redis
    from django.core.cache import cache

    location = urlparse(redis_url)._replace(path=f"/{CACHE_TEST_REDIS_DB}").geturl()
    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": location}
    }
    client = redis.Redis.from_url(location)
    client.flushdb()
    yield cache
    client.flushdb()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    require(
        url.startswith(("postgres://", "postgresql://")),
        "set DATABASE_URL to a PostgreSQL database (e.g. postgres://postgres@127.0.0.1:5432/test)",
    )
    require(reachable(url), f"PostgreSQL at DATABASE_URL={url} is not reachable")
    return url


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """A fast hasher for the whole session, every folder and every session-wide fixture.

    The production hasher (PBKDF2) is slow on purpose, about 0.4 s a password here; tests make
    hundreds of users and log many of them in, which cost more than half the suite's time.
    """
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _in_process_tasks_and_private_cache(settings):
    """Tasks run in-process and each test gets its own cache, unless a test asks otherwise.

    The Redis cache would be shared by tests (and flushing it would flush the broker), so tests
    use a local-memory cache; the ones about the shared cache configure Redis themselves.
    """
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    from django.core.cache import cache

    cache.clear()
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _staff_second_factor_off(settings):
    """Staff log in without a second factor, except in the tests about it (assessments/mfa.py).

    Tests of the admin and staff pages log in with force_login, which verifies no device;
    the tests of the second factor turn the rule back on (assessments/tests/test_mfa.py).
    """
    settings.MFA_REQUIRED_FOR_STAFF = False


@pytest.fixture(autouse=True)
def _english_between_tests():
    """Every test starts in English (the default language).

    LocaleMiddleware activates a request's language in the thread and nothing resets it after
    the response: a test that asked for Chinese would otherwise leave the next test in Chinese.
    """
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


FIRST_EDITION = "2017 China benchmark"


@pytest.fixture(autouse=True)
def _first_edition_questionnaire(request):
    """Tests that use the database run with the first edition current, unless marked edition_2026.

    `migrate` leaves the 2026 edition current. Most tests were written against the first
    edition's questionnaire (its keys, steps and figures) and read it as "the current edition";
    they keep it current, as an admin would by publishing. Tests of the 2026 edition and of the
    state `migrate` leaves are marked `edition_2026` and see the database as migrated.
    """
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if not uses_db or request.node.get_closest_marker("edition_2026"):
        return
    request.getfixturevalue("_django_db_helper")
    from assessments.models import Edition

    first = Edition.objects.filter(label=FIRST_EDITION, status="published").first()
    if first is not None and not first.is_current:
        Edition.objects.filter(is_current=True).update(is_current=False)
        Edition.objects.filter(pk=first.pk).update(is_current=True)


@pytest.fixture(autouse=True)
def _redis_breaker_closed():
    """Each test starts with Redis trusted again: the breaker is per process, tests are not."""
    from assessments import generations
    from readiness import best_effort

    best_effort.reset()
    generations._owed = False
    generations._recoveries_seen = best_effort.breaker.recoveries
    yield
    best_effort.reset()


@pytest.fixture
def edits_a_published_edition():
    """For a test that edits a published edition's rows, which are read-only in use and so
    cached per process as specs (assessments/edition_specs.py): the test clears the cache after
    its edit, and this clears it again after the test, so no later test reads the edited copy
    (a report test run after one that blanked a Chinese title found the title in English)."""
    from assessments.edition_specs import _published_edition_spec

    yield _published_edition_spec.cache_clear
    _published_edition_spec.cache_clear()
