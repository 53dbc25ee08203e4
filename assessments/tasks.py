"""Thin Celery tasks: they take ids, call one service, and tolerate a row that is gone."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings

from assessments import publishing, services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def score_assessment_task(assessment_id: int) -> None:
    try:
        services.assessment_score(assessment_id=assessment_id)
    except Exception as exc:
        # An unexpected error must not leave the assessment "scoring" for ever: mark it failed
        # with a reason an admin can read and retry from the admin.
        logger.exception("Scoring assessment %s failed", assessment_id)
        services.assessment_fail(assessment_id=assessment_id, reason=f"{type(exc).__name__}: {exc}")


@shared_task
def requeue_stuck_assessments_task() -> int:
    """Periodic (Celery beat): re-send scoring that a broker or worker fault lost."""
    return services.assessments_requeue_stuck(
        older_than=timedelta(seconds=settings.SCORING_STUCK_AFTER_SECONDS)
    )


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
