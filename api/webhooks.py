"""Webhooks: who hears about a scored assessment, how the event is signed, and one delivery attempt.

A receiver verifies an event by computing HMAC-SHA256 over ``<timestamp>.<raw body>`` with its
endpoint's secret and comparing it, in constant time, with the ``X-Readiness-Signature`` header
(``sha256=<hex>``); it rejects timestamps older than a few minutes so a captured request cannot
be replayed. ``X-Readiness-Delivery`` is the same on every retry of one event: use it to
deduplicate, since delivery is at least once: a delivery may arrive twice (a worker may die
between sending and recording, and the outbox then sends it again).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass

import requests
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from api import destinations
from api.models import WebhookDelivery, WebhookEndpoint
from assessments import outbox
from assessments.core.formats import timestamp
from assessments.models import Assessment, Brand

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Readiness-Signature"
TIMESTAMP_HEADER = "X-Readiness-Timestamp"
EVENT_HEADER = "X-Readiness-Event"
DELIVERY_HEADER = "X-Readiness-Delivery"
DELIVER_TASK = "api.tasks.deliver_webhook_task"
SCORED = WebhookEndpoint.Event.ASSESSMENT_SCORED
# Enough of an error body to say what went wrong, not enough to fill the table.
ERROR_EXCERPT = 300
Status = WebhookDelivery.Status


class RetryableDeliveryError(Exception):
    """The receiver may accept the event later: a network error, a 5xx, a 408 or a 429."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value: HMAC-SHA256 of ``<timestamp>.<body>`` under the secret."""
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: int, body: bytes, signature: str, *, now: float) -> bool:
    """What a receiver does (also the README's example): a fresh timestamp and the same HMAC."""
    fresh = abs(now - timestamp) <= 300
    return fresh and hmac.compare_digest(sign(secret, timestamp, body), signature)


def body_of(payload: dict) -> bytes:
    # Stable bytes for a stored payload, so every attempt sends exactly the same body.
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def absolute(path: str) -> str:
    """An address in a payload, under SITE_URL: events are built and sent by workers, which
    have no request (and so no host) to build it from, and a receiver needs the whole URL."""
    return settings.SITE_URL + path


def scored_payload(assessment: Assessment) -> dict:
    """The assessment.scored event: enough to decide whether to fetch the report, and its URL."""
    result = assessment.result
    if result is None:
        raise ValueError(f"Assessment {assessment.pk} has no result: nothing was scored.")
    return {
        "event": SCORED,
        "created_at": timestamp(timezone.now()),
        "data": {
            "assessment_id": assessment.pk,
            "result_id": result.pk,
            "brand": {"slug": assessment.brand.slug, "name": assessment.brand.name},
            "category": assessment.category.slug,
            "submitted_at": timestamp(assessment.submitted_at),
            "overall": result.overall,
            "readiness_index": result.readiness_index,
            "tier": {"key": result.tier_key, "name": result.tier_name},
            "edition": {"id": result.edition_id, "label": result.edition.label},
            "report_url": absolute(reverse("api-assessment-report", args=[assessment.pk])),
        },
    }


def deliveries_create_for_scored(*, results: Mapping[int, int]) -> list[int]:
    """For each scored assessment (id -> result id), one delivery per active endpoint whose
    owner may see its brand. Returns the new deliveries' ids, for the caller to enqueue
    (api/receivers.py): this module never imports the tasks, which import it.

    Safe to call twice for the same results: the unique constraint keeps one delivery each.
    """
    # Endpoints first: without any (the usual case) scoring pays one query here, not the
    # assessments' read and a transaction (a quarter of a scoring task: bench/notes/celery.md).
    endpoints = list(
        WebhookEndpoint.objects.filter(is_active=True, owner__is_active=True).select_related(
            "owner"
        )
    )
    if not endpoints:
        return []
    assessments = {
        a.pk: a
        for a in Assessment.objects.select_related("brand", "category", "result__edition").filter(
            pk__in=list(results)
        )
    }
    created: list[int] = []
    for assessment_id, result_id in results.items():
        assessment = assessments.get(assessment_id)
        if assessment is None or assessment.result_id != result_id:
            logger.info(
                "Assessment %s with result %s is gone; no webhooks.", assessment_id, result_id
            )
            continue
        try:
            created += _deliveries_create(assessment, result_id, endpoints)
        except DatabaseError:
            raise  # the scoring transaction is lost anyway: scored and announced again together
        except Exception:
            # One assessment's failure must not cost the others of its batch their events.
            logger.exception("Could not create webhook deliveries for assessment %s", assessment_id)
    return created


def _deliveries_create(
    assessment: Assessment, result_id: int, endpoints: list[WebhookEndpoint]
) -> list[int]:
    payload = scored_payload(assessment)
    created: list[int] = []
    with transaction.atomic():
        for endpoint in _endpoints_that_may_see(assessment, endpoints):
            delivery, is_new = WebhookDelivery.objects.get_or_create(
                endpoint=endpoint,
                event=SCORED,
                subject_id=result_id,
                defaults={"payload": payload},
            )
            if is_new:
                created.append(delivery.pk)
        for delivery_id in created:
            _enqueue(delivery_id)
    return created


def _endpoints_that_may_see(
    assessment: Assessment, endpoints: list[WebhookEndpoint]
) -> list[WebhookEndpoint]:
    # The one access rule (Assessment.objects.visible_to), asked once per owner: endpoints are
    # few, and a second copy of the rule written as a join here could drift from it.
    allowed: dict[int, bool] = {}
    chosen = []
    for endpoint in endpoints:
        if endpoint.owner_id not in allowed:
            visible = Assessment.objects.visible_to(endpoint.owner).filter(pk=assessment.pk)
            allowed[endpoint.owner_id] = visible.exists()
        if allowed[endpoint.owner_id]:
            chosen.append(endpoint)
    return chosen


def ping_delivery_create(*, endpoint: WebhookEndpoint) -> int:
    """The ping event for a newly registered endpoint, sent once the registration commits."""
    payload = {
        "event": WebhookEndpoint.Event.PING,
        "created_at": timestamp(timezone.now()),
        "data": {"endpoint_id": endpoint.pk, "url": endpoint.url},
    }
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event=WebhookEndpoint.Event.PING, subject_id=endpoint.pk, payload=payload
    )
    _enqueue(delivery.pk)
    return delivery.pk


def _enqueue(delivery_id: int) -> None:
    # An outbox row beside the delivery, in the scoring transaction: sent once it commits, and
    # again until an attempt is final, so no crash between the two loses the event.
    outbox.outbox_add(task=DELIVER_TASK, subject_ids=[delivery_id])


def retry_delay(retries: int) -> int:
    """Seconds before the next attempt: doubling from WEBHOOK_RETRY_DELAY, capped."""
    return min(settings.WEBHOOK_RETRY_MAX_DELAY, settings.WEBHOOK_RETRY_DELAY * 2**retries)


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str
    # Refused before sending (api/destinations.py): no later attempt would be sent either.
    permanent: bool = False

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def retryable(self) -> bool:
        code = self.status_code
        if self.permanent:
            return False
        return code is None or code >= 500 or code in (408, 429)


def delivery_attempt(*, delivery_id: int, final: bool) -> WebhookDelivery | None:
    """Send a pending delivery once and log the outcome.

    Raises RetryableDeliveryError when a later attempt may succeed, unless this is the final one,
    which marks the delivery failed instead. A delivery that is no longer pending is left alone.
    """
    delivery = (
        WebhookDelivery.objects.select_related("endpoint__owner").filter(pk=delivery_id).first()
    )
    if delivery is None or delivery.status != Status.PENDING:
        logger.info("Webhook delivery %s is gone or done; nothing to send.", delivery_id)
        return delivery
    if not delivery.endpoint.is_active:
        outcome = Outcome(None, "The endpoint was disabled before the event could be sent.")
        _record(delivery, outcome, Status.FAILED)
        return delivery
    withdrawn = access_withdrawn(delivery)
    if withdrawn:
        _record(delivery, Outcome(None, withdrawn), Status.CANCELLED)
        return delivery
    refused = destinations.refusal(delivery.endpoint.url)
    outcome = Outcome(None, refused, permanent=True) if refused else _post(delivery)
    if outcome.succeeded:
        _record(delivery, outcome, Status.SUCCEEDED)
    elif outcome.retryable and not final:
        _record(delivery, outcome, Status.PENDING)
        raise RetryableDeliveryError(outcome.error)
    else:
        _record(delivery, outcome, Status.FAILED)
    return delivery


def subject_brand(payload: object) -> str | None:
    """The slug of the brand an event's payload is about, or None if about none (a ping).

    Every event about a brand's data (assessment.scored, action.updated) names it in
    data.brand.slug; access is brand-wide (the one rule), so this is what is checked.
    """
    data = payload.get("data") if isinstance(payload, dict) else None
    brand = data.get("brand") if isinstance(data, dict) else None
    slug = brand.get("slug") if isinstance(brand, dict) else None
    return slug if isinstance(slug, str) else None


def brands_visible_in(deliveries: list[WebhookDelivery], user) -> set[str]:
    """The brands among these deliveries' subjects that the user may see now (one query).

    The delivery log shows a payload only if its brand is in this set: an owner unassigned from
    a brand loses its past events' data as they lose its pages.
    """
    slugs = {s for d in deliveries if (s := subject_brand(d.payload)) is not None}
    if not slugs:
        return set()
    visible = Brand.objects.visible_to(user).filter(slug__in=slugs)
    return set(visible.values_list("slug", flat=True))


def access_withdrawn(delivery: WebhookDelivery) -> str:
    """Why the endpoint's owner may no longer receive this event, or "" if they still may.

    Asked again at every attempt, not only when the delivery was made: a retry hours later must
    not carry a brand's data to a consultant who was unassigned from it (or deactivated) since.
    """
    owner = delivery.endpoint.owner
    if not owner.is_active:
        return "Cancelled: the endpoint's owner was deactivated; the event was not sent."
    slug = subject_brand(delivery.payload)
    if slug is None:
        return ""
    # The one access rule, as the views apply it.
    if not Brand.objects.visible_to(owner).filter(slug=slug).exists():
        return (
            "Cancelled: the endpoint's owner can no longer see this event's brand "
            "(or it was deleted); the event was not sent."
        )
    return ""


def _post(delivery: WebhookDelivery) -> Outcome:
    body = body_of(delivery.payload)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "readiness-webhooks/1",
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.pk),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(delivery.endpoint.secret, timestamp, body),
    }
    try:
        # No redirects: a signed event goes only to the URL its owner registered.
        with requests.post(
            delivery.endpoint.url,
            data=body,
            headers=headers,
            timeout=(settings.WEBHOOK_CONNECT_TIMEOUT, settings.WEBHOOK_READ_TIMEOUT),
            allow_redirects=False,
            stream=True,
        ) as response:
            return Outcome(response.status_code, _error_of(response))
    except requests.RequestException as exc:
        return Outcome(None, f"{type(exc).__name__}: {exc}"[:ERROR_EXCERPT])


def _error_of(response: requests.Response) -> str:
    if 200 <= response.status_code < 300:
        return ""
    if 300 <= response.status_code < 400:
        return f"HTTP {response.status_code}: redirects are not followed"
    # Read a little of the body only: a receiver's error page may be huge.
    excerpt = response.raw.read(ERROR_EXCERPT, decode_content=True) or b""
    return f"HTTP {response.status_code}: {excerpt.decode(errors='replace')}".strip()


def _record(delivery: WebhookDelivery, outcome: Outcome, status: str) -> None:
    now = timezone.now()
    changes: dict[str, object] = {
        "attempts": F("attempts") + 1,
        "status": status,
        "response_status": outcome.status_code,
        "last_error": outcome.error,
        "last_attempt_at": now,
    }
    if status == Status.SUCCEEDED:
        changes["delivered_at"] = now
    # Conditional on "pending": a concurrent copy of the task that already finished wins.
    WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.PENDING).update(**changes)
    delivery.refresh_from_db()
