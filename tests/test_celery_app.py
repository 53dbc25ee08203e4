"""The worker's process-wide settings in readiness/celery.py."""

from __future__ import annotations

from types import SimpleNamespace

import django.db
from celery.fixups.django import DjangoWorkerFixup

from readiness import celery as project_celery


def _task(*, eager: bool):
    return SimpleNamespace(request=SimpleNamespace(is_eager=eager))


def test_celery_never_closes_the_database_connection_after_a_task_itself():
    # Its fixup closes connections every 2 * db_reuse_max task signals; without a count, every
    # task paid for a new PostgreSQL backend.
    fixup = DjangoWorkerFixup(project_celery.app)
    assert fixup.db_reuse_max >= 2**62


def test_a_worker_task_closes_only_old_or_broken_connections(monkeypatch):
    calls = []
    monkeypatch.setattr(django.db, "close_old_connections", lambda: calls.append("closed"))
    project_celery._close_old_connections(sender=_task(eager=False))
    assert calls == ["closed"]


def test_a_task_run_in_process_leaves_the_callers_connection_alone(monkeypatch):
    calls = []
    monkeypatch.setattr(django.db, "close_old_connections", lambda: calls.append("closed"))
    project_celery._close_old_connections(sender=_task(eager=True))
    assert calls == []
