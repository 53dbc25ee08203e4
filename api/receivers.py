"""Listeners to domain signals; connected in ApiConfig.ready() so the domain never imports api."""

from __future__ import annotations

import logging

from api import webhooks

logger = logging.getLogger(__name__)


def on_assessments_scored(sender, *, results: dict[int, int], **kwargs) -> None:
    # The results are already stored and committed: a webhook problem must not reach the
    # scoring task, which would log the assessments as failed.
    try:
        webhooks.deliveries_create_for_scored(results=results)
    except Exception:
        logger.exception("Could not create webhook deliveries for assessments %s", list(results))


def on_tracked_action_changed(sender, *, action_id: int, change_id: int, **kwargs) -> None:
    # After the change committed: a webhook problem must not undo or fail the user's change.
    from api.action_events import deliveries_create_for_action

    try:
        deliveries_create_for_action(action_id=action_id, change_id=change_id)
    except Exception:
        logger.exception("Could not create webhook deliveries for action %s", action_id)
