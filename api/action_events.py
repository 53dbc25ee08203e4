"""The action.updated webhook event: one delivery per change of a tracked action.

Sent to the active endpoints whose owner may see the action's brand (the one access rule, asked
once per owner), signed and retried like assessment.scored (api/webhooks.py). The event's
subject is the history row of the change, so each change is delivered once per endpoint however
often it is announced, and two changes are two events.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from api import webhooks
from api.models import WebhookDelivery, WebhookEndpoint
from assessments import outbox
from assessments.actions import action_history
from assessments.core.formats import timestamp
from assessments.models import Brand, TrackedAction

logger = logging.getLogger(__name__)

UPDATED = WebhookEndpoint.Event.ACTION_UPDATED


def action_payload(action: TrackedAction, change: dict) -> dict:
    return {
        "event": UPDATED,
        "created_at": timestamp(timezone.now()),
        "data": {
            "action_id": action.pk,
            "brand": {"slug": action.brand.slug, "name": action.brand.name},
            "practice_key": action.practice_key,
            "title": action.title,
            "status": action.status,
            "owner": action.owner.username if action.owner else None,
            "due_date": action.due_date.isoformat() if action.due_date else None,
            "version": action.version,
            "change": {
                "at": timestamp(change["at"]),
                "by": change["by"],
                "type": change["type"],
                "changes": change["changes"],
            },
            "url": webhooks.absolute(reverse("api-action-detail", args=[action.pk])),
        },
    }


def deliveries_create_for_action(*, action_id: int, change_id: int) -> list[int]:
    """One delivery of this change per endpoint that may see the brand, each with its outbox row
    (sent once the change commits); returns their ids."""
    endpoints = list(
        WebhookEndpoint.objects.filter(is_active=True, owner__is_active=True).select_related(
            "owner"
        )
    )
    action = TrackedAction.objects.for_list().filter(pk=action_id).first()
    if not endpoints or action is None:
        return []
    history = action_history(action)
    change = next((c for c in history if c["change_id"] == change_id), None)
    if change is None:
        logger.info("Change %s of action %s is gone; no webhooks.", change_id, action_id)
        return []
    payload = action_payload(action, change)
    created: list[int] = []
    with transaction.atomic():
        for endpoint in _endpoints_that_may_see(action.brand_id, endpoints):
            delivery, is_new = WebhookDelivery.objects.get_or_create(
                endpoint=endpoint,
                event=UPDATED,
                subject_id=change_id,
                defaults={"payload": payload},
            )
            if is_new:
                created.append(delivery.pk)
        # Outbox rows in the same transaction: sent once it commits, and again until final.
        outbox.outbox_add(task=webhooks.DELIVER_TASK, subject_ids=created)
    return created


def _endpoints_that_may_see(brand_id: int, endpoints: list[WebhookEndpoint]):
    allowed: dict[int, bool] = {}
    for endpoint in endpoints:
        if endpoint.owner_id not in allowed:
            visible = Brand.objects.visible_to(endpoint.owner).filter(pk=brand_id)
            allowed[endpoint.owner_id] = visible.exists()
        if allowed[endpoint.owner_id]:
            yield endpoint
