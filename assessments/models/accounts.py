from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from assessments.models.brands import Membership


class Profile(models.Model):
    """What the service remembers about a person beyond Django's user: the language mail uses."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    # The language of the person's last login: mail they did not ask for in a request (a lockout
    # notice) goes out in it.
    language = models.CharField(max_length=16, choices=settings.LANGUAGES, blank=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.language or 'default language'})"


def remember_language(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: the language the login page was shown in."""
    language = getattr(request, "LANGUAGE_CODE", "") if request is not None else ""
    if language in dict(settings.LANGUAGES):
        Profile.objects.update_or_create(user=user, defaults={"language": language})


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    """A person asked by email to join a brand with a role, until they set a password.

    The link carries a random token; only its SHA-256 is stored, so a database dump opens no
    account. Re-sending draws a new token (the old link stops working) and restarts the clock.
    """

    email = models.EmailField()
    brand = models.ForeignKey("assessments.Brand", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=12, choices=Membership.Role.choices)
    # The language of the mail and of the invitee's account until they choose another.
    language = models.CharField(max_length=16, choices=settings.LANGUAGES)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            # One live invitation per person and brand: inviting again re-sends it.
            models.UniqueConstraint(
                Lower("email"),
                "brand",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_pending_invitation_per_brand",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.brand_id} ({self.role})"

    @property
    def expires_at(self) -> datetime:
        return self.sent_at + timedelta(days=settings.INVITATION_MAX_AGE_DAYS)

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= timezone.now() else "pending"
