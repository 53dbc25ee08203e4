"""The repaired Redis transport (readiness/broker.py), without a Redis: an ack that Redis never
answers still frees the worker's prefetch slot. The real hang is in tests/test_faults.py."""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
import redis

from readiness import broker


class _NoAnswer:
    def execute(self):
        raise redis.exceptions.TimeoutError("Timeout reading from socket")


def one_slot_taken(monkeypatch) -> broker.QoS:
    qos = broker.QoS(SimpleNamespace(do_restore=False), prefetch_count=1)
    monkeypatch.setattr(qos, "_remove_from_indices", lambda tag, pipe=None: _NoAnswer())
    monkeypatch.setattr(qos, "restore_by_tag", lambda *a, **k: _NoAnswer().execute())
    qos._delivered["tag-1"] = object()
    assert not qos.can_consume()
    return qos


def test_an_ack_redis_never_answered_frees_the_slot_and_still_fails_loudly(monkeypatch):
    qos = one_slot_taken(monkeypatch)
    with pytest.raises(redis.exceptions.TimeoutError):  # kombu logs it: "Couldn't ack"
        qos.ack("tag-1")
    assert qos.can_consume()


@pytest.mark.parametrize("requeue", [False, True])
def test_a_reject_redis_never_answered_frees_the_slot(monkeypatch, requeue):
    qos = one_slot_taken(monkeypatch)
    with pytest.raises(redis.exceptions.TimeoutError):
        qos.reject("tag-1", requeue=requeue)
    assert qos.can_consume()


def test_with_a_redis_url_the_worker_and_producers_use_the_repaired_transport():
    # A process of its own: the settings read REDIS_URL once, at import.
    probe = (
        "import django; django.setup(); from readiness.celery import app; "
        "print(type(app.connection_for_write().transport).__module__)"
    )
    env = os.environ | {"REDIS_URL": "redis://127.0.0.1:1/0", "DEBUG": "true"}
    env["DJANGO_SETTINGS_MODULE"] = "readiness.settings"
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "readiness.broker"
