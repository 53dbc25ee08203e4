"""Listeners to domain signals; connected in ApiConfig.ready() so the domain never imports api."""

from __future__ import annotations

import logging

from django.db import DatabaseError

from api import action_events, webhooks

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


def on_tracked_action_changed(sender, *, action_id: int, change_id: int, **kwargs) -> None:
    # Inside the change's transaction, as for scoring: a bug in building the event must not
    # undo the user's change; a database error aborts it anyway, so it is re-raised.
    try:
        action_events.deliveries_create_for_action(action_id=action_id, change_id=change_id)
    except DatabaseError:
        raise
    except Exception:
        logger.exception("Could not create webhook deliveries for action %s", action_id)
