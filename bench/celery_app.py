"""The Celery app of the bench worker: the project's app plus a no-op task to compare against.

The worker runs `celery -A bench.celery_app`, so production workers never register the no-op.
"""

from __future__ import annotations

import time

import redis

from readiness.celery import app


@app.task(name="bench.noop")
def noop_task(mark: str = "") -> None:
    """Nothing; the last task of a batch records when it ran, so the bench knows it is done."""
    if mark:
        redis.Redis.from_url(app.conf.broker_url).set(mark, repr(time.time()), ex=3600)
