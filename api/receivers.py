"""Listeners to domain signals; connected in ApiConfig.ready() so the domain never imports api."""

from __future__ import annotations

import logging

from django.db import DatabaseError

from api import webhooks

logger = logging.getLogger(__name__)


def on_assessments_scored(sender, *, results: dict[int, int], **kwargs) -> None:
    # Inside the scoring transaction. A bug in building the events must not fail the scoring
    # (no failed statement: the transaction stays usable). A database error aborts the whole
    # transaction anyway: re-raised, so that results and deliveries are retried together.
    try:
        webhooks.deliveries_create_for_scored(results=results)
    except DatabaseError:
        raise
    except Exception:
        logger.exception("Could not create webhook deliveries for assessments %s", list(results))
