"""Thin Celery tasks: they take ids, call one service, and tolerate a row that is gone."""

from __future__ import annotations

import logging

from celery import shared_task

from assessments import services

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
