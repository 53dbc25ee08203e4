"""Send what the outbox holds: right after the commit that wrote it, and on beat until done.

The transactional outbox pattern: a task that must follow a change (scoring a submission,
delivering a webhook) is an OutboxMessage row written in the change's transaction, so a crash,
a broker outage or a lost message can delay the task but never lose it. Delivery is at least
once: the row is sent after commit when the broker answers, and the dispatcher (a beat task
every OUTBOX_DISPATCH_EVERY_SECONDS) sends every row still there at its due_at again, until the
task deletes it in the transaction that does its work. Tasks are idempotent, so a second send
costs one query. Hand-written: the Django outbox libraries found (django-outbox-pattern and the
like) publish to a broker of their own (STOMP) rather than as Celery tasks.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from assessments import generations
from assessments.models import OutboxMessage
from readiness import best_effort

logger = logging.getLogger(__name__)
SCORE = "assessments.tasks.score_assessment_task"
Row = tuple[int, str, int]  # pk, task, subject id


def outbox_add(*, task: str, subject_ids: Sequence[int]) -> None:
    """Rows in the caller's transaction, sent as soon as it commits (and later if need be)."""
    if not subject_ids:
        return
    OutboxMessage.objects.bulk_create(
        [OutboxMessage(task=task, subject_id=pk, due_at=_resend_at()) for pk in subject_ids],
        ignore_conflicts=True,  # already waiting: one send serves both
    )
    transaction.on_commit(partial(_send_after_commit, task, list(subject_ids)))


def outbox_done(*, task: str, subject_ids: Sequence[int]) -> None:
    """The task's work is done (or can never be): nothing more to send."""
    OutboxMessage.objects.filter(task=task, subject_id__in=list(subject_ids)).delete()


def outbox_postpone(*, task: str, subject_id: int, seconds: float) -> None:
    """The task retries on its own in `seconds` (a webhook's backoff): no resend before then."""
    OutboxMessage.objects.filter(task=task, subject_id=subject_id).update(
        due_at=_resend_at() + timedelta(seconds=seconds)
    )


def outbox_dispatch(*, limit: int = 1000) -> int:
    """Send every row that is due, oldest first; returns how many were sent.

    Rows are claimed with SKIP LOCKED and moved to their next due time before they are sent,
    so two dispatchers never send the same row at once. Also pays the cache generation a bump
    a missed outage may owe (generations.settle()), for processes that serve no requests.
    """
    generations.settle()
    with transaction.atomic():
        rows: list[Row] = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(due_at__lte=timezone.now())
            .order_by("due_at")
            .values_list("pk", "task", "subject_id")[:limit]
        )
        OutboxMessage.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(
            due_at=_resend_at(), sends=F("sends") + 1
        )
    return _send(rows)


def _send_after_commit(task: str, subject_ids: list[int]) -> None:
    _send([(0, task, pk) for pk in subject_ids])


def _send(rows: Sequence[Row]) -> int:
    unsent = [(task, pk) for _, task, pk in rows if not _send_one(task, pk)]
    for task, pk in unsent:
        # Due at once: the dispatcher's next run tries again, without waiting for the resend.
        OutboxMessage.objects.filter(task=task, subject_id=pk).update(due_at=timezone.now())
    return len(rows) - len(unsent)


def _send_one(task_name: str, subject_id: int) -> bool:
    # By its dotted path (imported on first use: the tasks import the services, which import
    # this module), so every process has the task however little of the project it loaded.
    task = import_string(task_name)
    if task.app.conf.task_always_eager:  # no broker: run it right here
        call = best_effort.call_past_breaker
    else:  # through the breaker, without kombu's retries: a request must not wait on the broker
        call = best_effort.call
    what = f"sending {task_name}({subject_id})"
    return call(task.apply_async, (subject_id,), retry=False, default=None, what=what) is not None


def _resend_at():
    return timezone.now() + timedelta(seconds=settings.OUTBOX_RESEND_AFTER_SECONDS)
