"""Health checks: /health/live says the process answers, /health/ready that it can serve.

Ready means the database and Redis (when REDIS_URL is set) both answered within their short
timeouts and every migration is applied: what a load balancer or compose needs to know before
sending traffic or starting the services that depend on this one. Not ready is a 503 with the
failing check named, always JSON. Redis is pinged directly, not through the breaker of
readiness/best_effort.py, so that readiness reports its return at once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse

from readiness.best_effort import FAULTS

# Seconds a client should wait before asking again while not ready.
RETRY_AFTER = 5
_migrated = False  # once seen applied, they stay applied for this code: checked once


def live(request: HttpRequest) -> JsonResponse:
    """The process answers: nothing else is checked (a restart is the only cure it asks for)."""
    return JsonResponse({"status": "ok"})


def ready(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "redis": _redis(), "migrations": _migrations()}
    ok = all(value == "ok" for value in checks.values())
    response = JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks})
    if not ok:
        response.status_code = 503
        response["Retry-After"] = str(RETRY_AFTER)
    return response


def _database() -> str:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        connections[DEFAULT_DB_ALIAS].close_if_unusable_or_obsolete()
        return f"unreachable ({type(exc).__name__})"
    return "ok"


def _redis() -> str:
    client = getattr(cache, "client", None)  # django-redis's; absent for a local-memory cache
    if not settings.REDIS_URL or client is None:
        return "ok"  # not used: tasks run in-process and the cache is the process's own
    try:
        client.get_client().ping()  # the cache's own connection and timeouts
    except FAULTS as exc:
        return f"unreachable ({type(exc).__name__})"
    return "ok"


def _migrations() -> str:
    global _migrated
    if _migrated:
        return "ok"
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return "unknown (database unreachable)"
    if plan:
        return f"{len(plan)} not applied"
    _migrated = True
    return "ok"
