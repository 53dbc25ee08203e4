"""The real Celery app for fault tests, with scoring slowed down so a test can kill it mid-way.

Started as `celery -A tests.fault_worker worker`; FAULT_SCORING_DELAY seconds pass after an
assessment is claimed (its row locked, inside the scoring transaction) and before its result is
written.
"""

from __future__ import annotations

import os
import time

from celery.signals import worker_process_init

from readiness.celery import app

__all__ = ["app"]


@worker_process_init.connect
def _slow_down_scoring(**kwargs) -> None:
    from assessments import services

    delay = float(os.environ.get("FAULT_SCORING_DELAY", "0"))
    store = services.results_store_scored

    def slow_store(**store_kwargs):
        time.sleep(delay)
        return store(**store_kwargs)

    services.results_store_scored = slow_store
