"""Thin Celery tasks for the API: they take ids and call one service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from api import webhooks
from assessments import outbox

# requests' connect + read timeouts bound one attempt; the limits leave room for the database.
SOFT_TIME_LIMIT = settings.WEBHOOK_CONNECT_TIMEOUT + settings.WEBHOOK_READ_TIMEOUT + 15
TIME_LIMIT = SOFT_TIME_LIMIT + 15


# acks_late: a worker lost mid-send redelivers the task; the receiver deduplicates by the
# X-Readiness-Delivery header.
@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=settings.WEBHOOK_MAX_RETRIES,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
)
def deliver_webhook_task(self, delivery_id: int) -> None:
    final = self.request.retries >= self.max_retries
    try:
        webhooks.delivery_attempt(delivery_id=delivery_id, final=final)
    except webhooks.RetryableDeliveryError as exc:
        countdown = webhooks.retry_delay(self.request.retries)
        # The retry is a message of its own: the outbox waits for it before sending again.
        outbox.outbox_postpone(
            task=webhooks.DELIVER_TASK, subject_id=delivery_id, seconds=countdown
        )
        raise self.retry(exc=exc, countdown=countdown) from exc
    # Succeeded, failed for good, or gone: nothing more to send.
    outbox.outbox_done(task=webhooks.DELIVER_TASK, subject_ids=[delivery_id])
