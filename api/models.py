"""Webhook endpoints that consultants register, and the log of every delivery made to them."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

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
