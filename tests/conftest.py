"""Fixtures of the project-wide tests that start real processes."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import connection
from django.db.backends.signals import connection_created

from conftest import require
from readiness.celery import app as celery_app
from tests.processes import start_worker, stop

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture
def worker(redis_url, postgres_url, tmp_path):
    """A real Celery worker on the test database and REDIS_URL; its log is printed at the end.

    Tasks go to it instead of running in-process (the root conftest puts that back afterwards).
    """
    celery_app.conf.task_always_eager = False
    process = start_worker(redis_url, log=tmp_path / "worker.log")
    yield process
    stop(process)
    print((tmp_path / "worker.log").read_text(errors="replace")[-3000:])


# The application_name of the live server's request threads' database sessions.
LIVE_SERVER_SESSION = "readiness-live-server"


def _name_live_server_session(sender, connection, **kwargs) -> None:
    # The test and its fixtures run on the main thread (in more than one context, so each with
    # its own session); every other thread here is a live server request thread.
    if threading.current_thread() is not threading.main_thread():
        with connection.cursor() as cursor:
            # set_config(), not SET: SET takes no bound parameter (readiness/db.py).
            cursor.execute(
                "SELECT set_config('application_name', %s, false)", [LIVE_SERVER_SESSION]
            )


@pytest.fixture(scope="session")
def _no_sessions_left_at_the_end(django_db_setup, django_db_blocker):
    """Before the test database is dropped, end the sessions still open on it.

    The tests' own sessions, which tidy_connections leaves alone, are among them: a test and
    its fixtures may each hold one, and the database teardown closes only its own.
    """
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def tidy_connections(postgres_url, _no_sessions_left_at_the_end):
    """End the database sessions that live-server request threads leave open, and only those.

    A request thread keeps its connection while the browser keeps the socket alive, and the
    session's end cannot drop a test database that still has sessions. The test's own sessions
    stay: ending them too left the next test a dead connection. A request thread whose session
    ended opens a new one at its next request (CONN_HEALTH_CHECKS).
    """
    connection_created.connect(_name_live_server_session, dispatch_uid=LIVE_SERVER_SESSION)
    yield
    connection_created.disconnect(dispatch_uid=LIVE_SERVER_SESSION)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s",
            [LIVE_SERVER_SESSION],
        )


@pytest.fixture
def browser(monkeypatch):
    require(Path(CHROMIUM).exists(), f"a Chromium at {CHROMIUM} for the browser test")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls of the test itself
    # are still plain synchronous calls between browser steps.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
