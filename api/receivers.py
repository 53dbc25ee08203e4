"""Listeners to domain signals; connected in ApiConfig.ready() so the domain never imports api."""

from __future__ import annotations

import logging

from api import action_events, webhooks
from api.tasks import deliver_webhook_task

logger = logging.getLogger(__name__)


def on_assessments_scored(sender, *, results: dict[int, int], **kwargs) -> None:
    # The results are already stored and committed: a webhook problem must not reach the
    # scoring task, which would log the assessments as failed.
    try:
        created = webhooks.deliveries_create_for_scored(results=results)
    except Exception:
        logger.exception("Could not create webhook deliveries for assessments %s", list(results))
        return
    for delivery_id in created:
        # After commit: a worker must find the delivery's row when the task arrives.
        deliver_webhook_task.delay_on_commit(delivery_id)


def on_tracked_action_changed(sender, *, action_id: int, change_id: int, **kwargs) -> None:
    # After the change committed: a webhook problem must not undo or fail the user's change.
    try:
        created = action_events.deliveries_create_for_action(
            action_id=action_id, change_id=change_id
        )
    except Exception:
        logger.exception("Could not create webhook deliveries for action %s", action_id)
        return
    for delivery_id in created:
        deliver_webhook_task.delay_on_commit(delivery_id)
