"""Invitations: an admin, or a consultant for the brands they serve, asks a person to a brand.

One service for the web pages and the API. The invitee follows a single-use link that expires
(INVITATION_MAX_AGE_DAYS), chooses a username and a password (Django's validators) and lands on
their dashboard; an address that already has an account gets the membership at once. The mail
is sent by a worker, which retries while the mail relay is down (send_invitation_mail_task).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments import mail
from assessments.models import Brand, Invitation, Membership, Profile

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The roles in words for pages and mail (Membership's own labels are English only).
ROLE_LABELS: dict[str, StrOrPromise] = {
    Membership.Role.MANAGER: gettext_lazy("brand manager"),
    Membership.Role.CONSULTANT: gettext_lazy("consultant"),
}


class InvitationUnusable(Exception):
    """The link is unknown, expired, revoked or already used: the invitee needs a new one."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def brands_inviting(user):
    """The brands a person may invite to: all for admins, those they serve as a consultant."""
    if user.is_staff:
        return Brand.objects.all()
    return Brand.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.CONSULTANT
    )


def invitations_visible_to(user):
    """The one access rule for invitations: those to the brands the person may invite to."""
    return Invitation.objects.filter(brand__in=brands_inviting(user)).select_related(
        "brand", "invited_by"
    )


def _queue_mail(invitation_id: int) -> None:
    # Saved and pending whatever the relay does: re-sending it from the list tries again.
    mail.queue(
        "assessments.tasks.send_invitation_mail_task",
        invitation_id,
        send=lambda: invitation_mail_send(invitation_id=invitation_id),
        what=f"Invitation {invitation_id}'s mail",
    )


def invitation_mail_send(*, invitation_id: int) -> None:
    """Draw the invitation's link now and mail it, if it is still pending (a task's work).

    Only the link's hash is stored, so the link is drawn where the mail is written. A send that
    fails and is tried again draws another: only the link of the mail that went out works. The
    link's days run from this send, not from the request that queued it.
    """
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = (
            Invitation.objects.pending()
            .select_for_update(of=("self",))  # the invitation's row, not its brand's
            .select_related("brand")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None:  # accepted, revoked or expired since it was queued
            return
        invitation.token_hash = _hash(token)
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["token_hash", "sent_at"])
    _send(invitation, token)


def _send(invitation: Invitation, token: str) -> None:
    link = settings.SITE_URL + reverse("invitation-accept", kwargs={"token": token})
    context = {
        "invitation": invitation,
        "link": link,
        "days": settings.INVITATION_MAX_AGE_DAYS,
        "role_label": ROLE_LABELS[invitation.role],
    }
    mail.send_to(invitation.email, invitation.language, "invitation", context)


def invite(*, inviter, email: str, brand: Brand, role: str, language: str) -> Invitation:
    """Invite (or re-send to) `email`; an existing account joins the brand at once."""
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": _("Enter a valid email address.")}) from exc
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose brand manager or consultant.")})
    if not brands_inviting(inviter).filter(pk=brand.pk).exists():
        raise PermissionDenied(_("You may invite people only to the brands you serve."))
    existing = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    with transaction.atomic():
        if existing is not None:
            return _join(existing, inviter=inviter, brand=brand, role=role, language=language)
        pending = Invitation.objects.pending().filter(email__iexact=email, brand=brand).first()
        if pending is not None:
            return resend(pending, role=role)
        invitation = Invitation.objects.create(
            email=email,
            brand=brand,
            role=role,
            language=language,
            invited_by=inviter,
            token_hash=_unsent_hash(),
            sent_at=timezone.now(),
        )
        transaction.on_commit(lambda: _queue_mail(invitation.pk))
    return invitation


def _unsent_hash() -> str:
    # The hash of a link never sent: nothing opens the invitation until its mail draws one.
    return _hash(secrets.token_urlsafe(32))


def _join(user, *, inviter, brand: Brand, role: str, language: str) -> Invitation:
    """An existing account: the membership now, a note by mail, the invitation already used."""
    Membership.objects.get_or_create(user=user, brand=brand, defaults={"role": role})
    now = timezone.now()
    invitation = Invitation.objects.create(
        email=user.email,
        brand=brand,
        role=role,
        language=language,
        invited_by=inviter,
        token_hash=_unsent_hash(),  # nothing to accept
        sent_at=now,
        accepted_at=now,
        accepted_by=user,
    )
    transaction.on_commit(lambda: _queue_note(invitation.pk))
    return invitation


def _queue_note(invitation_id: int) -> None:
    mail.queue(
        "assessments.tasks.send_joined_note_task",
        invitation_id,
        send=lambda: joined_note_send(invitation_id=invitation_id),
        what=f"The note of invitation {invitation_id}",
    )


def joined_note_send(*, invitation_id: int) -> None:
    """Tell the owner of an existing account that they joined the invitation's brand."""
    invitation = (
        Invitation.objects.select_related("brand", "accepted_by")
        .filter(pk=invitation_id, accepted_by__is_active=True)
        .first()
    )
    if invitation is None or invitation.accepted_by is None:
        return
    context = {"invitation": invitation, "role_label": ROLE_LABELS[invitation.role]}
    mail.send_to_user(invitation.accepted_by, "brand_joined", context)


def resend(invitation: Invitation, *, role: str | None = None) -> Invitation:
    """A new link (the old one stops working now) and a new expiry; only a pending one."""
    if invitation.accepted_at or invitation.revoked_at:
        raise InvitationUnusable(_("This invitation was already used or revoked."))
    invitation.token_hash = _unsent_hash()
    invitation.sent_at = timezone.now()
    invitation.role = role or invitation.role
    invitation.save(update_fields=["token_hash", "sent_at", "role"])
    transaction.on_commit(lambda: _queue_mail(invitation.pk))
    return invitation


def revoke(invitation: Invitation) -> None:
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def usable(token: str, *, lock: bool = False) -> Invitation:
    rows = Invitation.objects.pending().select_related("brand")
    invitation = (
        (rows.select_for_update() if lock else rows).filter(token_hash=_hash(token)).first()
    )
    if invitation is None or invitation.expires_at <= timezone.now():
        raise InvitationUnusable(
            _("This invitation link has expired or has already been used. Ask for a new one.")
        )
    return invitation


def accept(token: str, *, username: str, password: str):
    """The account, its membership and language, all or nothing; the link is then used up."""
    with transaction.atomic():
        invitation = usable(token, lock=True)
        user = get_user_model()(username=username, email=invitation.email)
        password_validation.validate_password(password, user)
        user.set_password(password)
        user.save()
        Membership.objects.create(user=user, brand=invitation.brand, role=invitation.role)
        Profile.objects.create(user=user, language=invitation.language)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user
