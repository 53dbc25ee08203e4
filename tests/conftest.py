"""Fixtures of the project-wide tests that start real processes."""

from __future__ import annotations

import pytest

from readiness.celery import app as celery_app
from tests.processes import start_worker, stop


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
