"""Thin Celery tasks for the API: they take ids and call one service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from api import webhooks

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
        raise self.retry(exc=exc, countdown=webhooks.retry_delay(self.request.retries)) from exc
