"""Thin Celery tasks: they take ids, call one service, and tolerate a row that is gone."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings

from assessments import invitations, outbox, passwords, publishing, services

logger = logging.getLogger(__name__)


def backoff(retries: int) -> float:
    """Seconds before retry number retries + 1: doubling from SCORING_RETRY_DELAY, capped at
    SCORING_RETRY_MAX_DELAY, with full jitter (Celery's own), so that workers that met the same
    outage do not all come back at the same instant."""
    return get_exponential_backoff_interval(
        factor=settings.SCORING_RETRY_DELAY,
        retries=retries,
        maximum=settings.SCORING_RETRY_MAX_DELAY,
        full_jitter=True,
    )


def mail_backoff(retries: int) -> float:
    """backoff() for mail: doubling from MAIL_RETRY_DELAY, capped at MAIL_RETRY_MAX_DELAY."""
    return get_exponential_backoff_interval(
        factor=settings.MAIL_RETRY_DELAY,
        retries=retries,
        maximum=settings.MAIL_RETRY_MAX_DELAY,
        full_jitter=True,
    )


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=settings.SCORING_MAX_RETRIES
)
def score_assessment_task(self, assessment_id: int) -> None:
    try:
        services.assessment_score(assessment_id=assessment_id)
    except services.TRANSIENT_ERRORS as exc:
        # A brief fault (a dropped connection, a database restarting): the same work succeeds
        # later. Past the last retry the assessment stays waiting for the outbox to resend it.
        if self.request.retries >= self.max_retries:
            logger.warning("Scoring assessment %s: gave up retrying (%s)", assessment_id, exc)
            return
        logger.warning("Scoring assessment %s met %r; retrying", assessment_id, exc)
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
    except Exception as exc:
        # An error that will repeat (bad data, a bug) must not leave the assessment waiting for
        # ever: mark it failed with a reason an admin can read, and retry from the admin.
        logger.exception("Scoring assessment %s failed", assessment_id)
        services.assessment_fail(assessment_id=assessment_id, reason=f"{type(exc).__name__}: {exc}")


@shared_task
def outbox_dispatch_task() -> int:
    """Periodic (Celery beat): send what the outbox still holds (assessments/outbox.py)."""
    return outbox.outbox_dispatch()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_reset_mail_task(user_id: int, language: str) -> None:
    passwords.reset_mail_send(user_id=user_id, language=language)


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=settings.MAIL_MAX_RETRIES
)
def send_invitation_mail_task(self, invitation_id: int) -> None:
    try:
        invitations.invitation_mail_send(invitation_id=invitation_id)
    except invitations.MAIL_ERRORS as exc:
        # No worker to wait in (tasks run in-process): the invitation stays pending, and
        # re-sending it from the list tries again.
        if self.request.is_eager or self.request.retries >= self.max_retries:
            logger.error("Invitation %s: its mail could not be sent (%s)", invitation_id, exc)
            return
        logger.warning("Invitation %s: the mail relay failed (%r); retrying", invitation_id, exc)
        raise self.retry(exc=exc, countdown=mail_backoff(self.request.retries)) from exc


@shared_task
def publish_due_editions_task() -> int:
    """Periodic (Celery beat): publish the drafts scheduled for now or earlier."""
    return len(publishing.editions_publish_due())


# A chunk of a preview or rescoring scores EDITION_JOB_CHUNK_SIZE assessments (500: about a
# quarter of a second of scoring and writing); the limits leave room for a slow database.
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=120, time_limit=150)
def edition_job_chunk_task(job_id: int, number: int) -> None:
    try:
        publishing.job_chunk_run(job_id=job_id, number=number)
    except Exception as exc:
        # The chunk stays not done, with a reason the job page shows; "resume" sends it again.
        logger.exception("Chunk %s of edition job %s failed", number, job_id)
        publishing.job_chunk_fail(
            job_id=job_id, number=number, reason=f"{type(exc).__name__}: {exc}"
        )
