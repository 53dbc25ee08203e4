"""API tokens, webhook endpoints that consultants register, and the log of every delivery."""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from assessments.generations import FreshManager

# 32 random bytes as hex: the HMAC-SHA256 key, as long as the digest it signs with.
SECRET_BYTES = 32


def new_secret() -> str:
    return secrets.token_hex(SECRET_BYTES)


class WebhookEndpoint(models.Model):
    class Event(models.TextChoices):
        ASSESSMENT_SCORED = "assessment.scored", "An assessment was scored"
        ACTION_UPDATED = "action.updated", "A tracked action was created or changed"
        # Sent once on registration, so the owner can check their receiver at once.
        PING = "ping", "The endpoint was registered"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    # Kept in clear: the server must sign with it. Shown to the owner once, on create.
    secret = models.CharField(max_length=64, default=new_secret, editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["is_active", "owner"], name="webhook_active_owner")]

    def __str__(self) -> str:
        return f"{self.url} ({self.owner})"


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        # Not sent: the owner lost access to the brand, or was deactivated, before an attempt.
        CANCELLED = "cancelled", "Cancelled"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=WebhookEndpoint.Event.choices)
    # The id of what the event is about (a Result for assessment.scored, the history row of the
    # change for action.updated): one delivery per
    # endpoint and subject, however often the event is announced.
    subject_id = models.BigIntegerField()
    # The exact body sent on every attempt, so a retry is byte-for-byte the same event.
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event", "subject_id"], name="one_delivery_per_event"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "succeeded", "failed", "cancelled"]),
                name="webhook_delivery_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.subject_id} to {self.endpoint_id}: {self.status}"


class ApiToken(models.Model):
    """An API token, kept as the SHA-256 digest of its value: a database dump holds no credential.

    The value is shown once, when the token is made (api/tokens.py). A fast digest is enough:
    the value is 256 random bits, so there is nothing to guess from the digest, and a lookup by
    digest leaks no timing about the value itself (an index lookup on the raw value would).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    # The first characters of the value: enough to tell one's tokens apart, far too few to use.
    prefix = models.CharField(max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # None: it never expires. Checked on every request, a cached lookup's too.
    expires_at = models.DateTimeField(null=True, blank=True)
    # To the minute at best: written at most once a minute (api/tokens.py mark_used).
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Every write bumps the generation the cached lookups are read under (update() included),
    # except the mark of a use, which goes through the base manager (api/tokens.py).
    objects: ClassVar[FreshManager[ApiToken]] = FreshManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return " ".join(part for part in (f"{self.prefix}...", self.name, f"({self.user})") if part)

    def has_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())


class StoredReport(models.Model):
    """The part of a result's API report that never changes, as built once per language.

    A result and its edition (published: read-only) fix everything a report shows but its
    previous assessment, percentile and current edition (assessments.report_data.ReportState):
    its tier, pillars, recommendations with their evidence, and the edition's context. Built,
    that part was most of a report's time (bench/notes/reads.md), so the first read of a report
    keeps it here and later reads only add the rest (api/stored_reports.py). `shape` names the
    code, translations and migrations it was built by: a deploy that changes any of them makes
    older rows unreachable, and they are built again on their next read.
    """

    result = models.ForeignKey(
        "assessments.Result", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    language = models.CharField(max_length=10)
    shape = models.CharField(max_length=64)
    # JSON as text, not a JSONField: PostgreSQL's jsonb reorders keys, and the API's answer
    # keeps the serializer's order.
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # Indexes the read: the report's query looks up (result, language).
            models.UniqueConstraint(fields=["result", "language"], name="one_report_per_language")
        ]

    def __str__(self) -> str:
        return f"Report of result {self.result_id} ({self.language})"
