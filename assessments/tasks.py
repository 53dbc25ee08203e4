"""Thin Celery tasks: they take ids, call one service, and tolerate a row that is gone."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings

from assessments import account_lockout, invitations, mail, outbox, passwords, publishing, services

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


# Mail: the request queues it (mail.queue); these send it, and try again while the relay refuses.
MAIL_TASK = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": settings.MAIL_MAX_RETRIES,
}


@shared_task(**MAIL_TASK)
def send_reset_mail_task(self, user_id: int, language: str) -> None:
    _mail_or_retry(
        self,
        f"The reset mail of user {user_id}",
        lambda: passwords.reset_mail_send(user_id=user_id, language=language),
    )


@shared_task(**MAIL_TASK)
def send_invitation_mail_task(self, invitation_id: int) -> None:
    _mail_or_retry(
        self,
        f"Invitation {invitation_id}'s mail",
        lambda: invitations.invitation_mail_send(invitation_id=invitation_id),
    )


@shared_task(**MAIL_TASK)
def send_joined_note_task(self, invitation_id: int) -> None:
    _mail_or_retry(
        self,
        f"The note of invitation {invitation_id}",
        lambda: invitations.joined_note_send(invitation_id=invitation_id),
    )


@shared_task(**MAIL_TASK)
def send_lockout_mail_task(self, username: str, failures: int, until: str) -> None:
    # A username, not an id: the request queues the same for unknown names (account_lockout).
    _mail_or_retry(
        self,
        "A lockout notice",
        lambda: account_lockout.lockout_mail_send(
            username=username, failures=failures, until=datetime.fromisoformat(until)
        ),
    )


def _mail_or_retry(task, what: str, send: Callable[[], None]) -> None:
    try:
        send()
    except mail.MAIL_ERRORS as exc:
        # In-process (no worker to wait in) or past the last retry: logged, and given up. An
        # invitation stays pending (re-sending it tries again); a reset can be asked again.
        if task.request.is_eager or task.request.retries >= task.max_retries:
            logger.error("%s could not be sent (%s)", what, exc)
            return
        logger.warning("%s: the mail relay failed (%r); retrying", what, exc)
        raise task.retry(exc=exc, countdown=mail_backoff(task.request.retries)) from exc


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
