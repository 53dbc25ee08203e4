"""The real Celery app for fault tests, with scoring slowed down so a test can kill it mid-way,
or a process that dies right after the scoring commit.

Started as `celery -A tests.fault_worker worker`; FAULT_SCORING_DELAY seconds pass after an
assessment is claimed (its row locked, inside the scoring transaction) and before its result is
written. FAULT_ATTEMPTS_LOG=<file> gets a line at each such claim.
"""

from __future__ import annotations

import os
import signal
import time

from celery.signals import worker_process_init

from readiness.celery import app

__all__ = ["app"]


@worker_process_init.connect
def _slow_down_scoring(**kwargs) -> None:
    from assessments import services

    delay = float(os.environ.get("FAULT_SCORING_DELAY", "0"))
    attempts = os.environ.get("FAULT_ATTEMPTS_LOG")
    store = services.results_store_scored

    def slow_store(**store_kwargs):
        if attempts:  # a line per attempt, written while the assessment's row is locked
            with open(attempts, "a") as log:
                log.write(f"{store_kwargs.get('assessment_ids')}\n")
        time.sleep(delay)
        return store(**store_kwargs)

    services.results_store_scored = slow_store


@worker_process_init.connect
def _die_after_the_scoring_commit(**kwargs) -> None:
    """FAULT_DIE_AFTER_SCORING_COMMIT=<file>: the pool process dies (SIGKILL) right after a
    scoring transaction commits, before anything it sends after the commit, once (the file)."""
    marker = os.environ.get("FAULT_DIE_AFTER_SCORING_COMMIT")
    if not marker:
        return
    from assessments import outbox

    send = outbox._send_after_commit

    def die_first(task, subject_ids):
        if task == "api.tasks.deliver_webhook_task" and not os.path.exists(marker):
            open(marker, "w").close()
            os.kill(os.getpid(), signal.SIGKILL)
        return send(task, subject_ids)

    outbox._send_after_commit = die_first
