"""The production-like environment of a benchmark run, for this process and every child it starts.

Children (gunicorn, the Celery worker) inherit os.environ, so it is set once, before Django
starts: DEBUG off, a bench-only SECRET_KEY, throttling on at rates from the environment.
"""

from __future__ import annotations

import logging
import os
import warnings
from urllib.parse import urlparse

import psycopg
from psycopg import sql

from bench.core import Context

# High enough that the load itself is never throttled, while every request still pays for the
# throttle check in the shared cache, as in production. Override with API_USER_THROTTLE_RATE.
# The window is a clock hour shared by every run in it: a million ran out after a few full runs
# of item 1 (about 200,000 requests each) within one hour.
DEFAULT_USER_THROTTLE_RATE = "1000000000/hour"
DEFAULT_TOKEN_THROTTLE_RATE = "10/minute"
BENCH_SECRET_KEY = "bench-only-secret-key-never-used-in-production-0123456789"


def database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL") or default
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"bench: DATABASE_URL must be a PostgreSQL URL, got {url!r}")
    return url


def redis_url(default: str) -> str:
    url = os.environ.get("REDIS_URL") or default
    if not url.startswith("redis://"):
        raise SystemExit(f"bench: REDIS_URL must be a redis:// URL, got {url!r}")
    return url


def bench_env(ctx: Context) -> dict[str, str]:
    """The variables every process of the run sees."""
    return {
        "DATABASE_URL": ctx.database_url,
        "REDIS_URL": ctx.redis_url,
        # Production settings plus the bare view of item 1 (bench/settings.py says why).
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY", BENCH_SECRET_KEY),
        # Plain HTTP on loopback: no TLS proxy in front of gunicorn here.
        "SECURE_SSL_REDIRECT": "false",
        # No collectstatic for a benchmark of API endpoints.
        "STATIC_MANIFEST": "false",
        "API_USER_THROTTLE_RATE": os.environ.get(
            "API_USER_THROTTLE_RATE", DEFAULT_USER_THROTTLE_RATE
        ),
        "API_TOKEN_THROTTLE_RATE": os.environ.get(
            "API_TOKEN_THROTTLE_RATE", DEFAULT_TOKEN_THROTTLE_RATE
        ),
    }


def create_database(url: str) -> bool:
    """Create the bench database when it is missing; True when it was created."""
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    server = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def prepare(ctx: Context) -> None:
    """Set the environment, create and migrate the database, and start Django."""
    os.environ.update(bench_env(ctx))
    create_database(ctx.database_url)
    import django
    from django.core.management import call_command

    django.setup()
    # This process scores its own fixtures eagerly: a log line per task says nothing here.
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
    # No collectstatic (STATIC_MANIFEST off): whitenoise serves from the source folders.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    call_command("migrate", verbosity=0, interactive=False)
