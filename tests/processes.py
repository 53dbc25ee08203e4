"""Start real processes for end-to-end tests: a Celery worker on the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    """The URL of the database this test session uses (pytest-django's test database)."""
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    port = s.get("PORT") or 5432
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{port}/{s['NAME']}"


def start_worker(redis_url: str, *extra: str, log: Path | None = None) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "readiness.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "e2e-worker-secret-key-0123456789"),
        "DEBUG": "false",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "readiness", "worker",
        "--loglevel=INFO", "--concurrency=1", "--without-mingle", "--without-gossip",
        "-n", f"e2e-{os.getpid()}@%h", *extra,
    ]  # fmt: skip
    output = open(log, "wb") if log else subprocess.DEVNULL
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for(condition: Callable[[], bool], *, timeout: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()
