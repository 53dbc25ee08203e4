"""Listeners to domain signals; connected in ApiConfig.ready() so the domain never imports api."""

from __future__ import annotations

import logging

from api import webhooks

logger = logging.getLogger(__name__)


def on_assessment_scored(sender, *, assessment_id: int, result_id: int, **kwargs) -> None:
    # The result is already stored and committed: a webhook problem must not reach the scoring
    # task, which would log the assessment as failed.
    try:
        webhooks.deliveries_create_for_scored(assessment_id=assessment_id, result_id=result_id)
    except Exception:
        logger.exception("Could not create webhook deliveries for assessment %s", assessment_id)
