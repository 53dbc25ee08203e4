"""Password reset by email: Django's form and token, our mail, and a throttle in the cache.

Django's PasswordResetView already answers the same for known and unknown addresses; this adds
what it leaves out: the mail goes out in the recipient's language through assessments/mail.py,
its link points at SITE_URL (never at the Host header a requester chose), and requests are
counted per address asked for and per client address, so that no one floods an inbox or probes
addresses in bulk. The mail itself goes out from a Celery task: sent in the request, the SMTP
conversation made a known address's answer measurably slower than an unknown one's, which told
a stopwatch which addresses have accounts.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from api.throttling import client_address
from assessments import mail
from assessments.models import Profile
from readiness import best_effort

HOUR = 3600


def _over_limit(kind: str, value: str, limit: int) -> bool:
    """Count one request for `value`; True once more than `limit` arrived within the hour."""
    key = f"password-reset:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"
    # Best effort, like the API's throttles: with Redis unreachable the request is let through
    # uncounted (and logged) rather than refused, since Django's reset token still expires.
    best_effort.call(cache.add, key, 0, timeout=HOUR, default=None, what="reset throttle")
    return best_effort.call(cache.incr, key, default=0, what="reset throttle") > limit


def reset_throttled(request, email: str) -> bool:
    """Both counters move on every request, known address or not: the answer reveals nothing."""
    by_email = _over_limit("email", email.strip().lower(), settings.PASSWORD_RESET_PER_EMAIL_HOUR)
    by_client = _over_limit(
        "client", client_address(request), settings.PASSWORD_RESET_PER_CLIENT_HOUR
    )
    return by_email or by_client


class ResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        user = context["user"]
        profile = Profile.objects.filter(user=user).only("language").first()
        # The language the person chose; else the one they asked in.
        language = (profile and profile.language) or translation.get_language()
        mail.queue(
            "assessments.tasks.send_reset_mail_task",
            user.pk,
            language,
            send=lambda: reset_mail_send(user_id=user.pk, language=language),
            what=f"The reset mail of user {user.pk}",
        )


def reset_mail_send(*, user_id: int, language: str) -> None:
    """The reset link, made now (Django's token is valid PASSWORD_RESET_TIMEOUT from here)."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return
    link = settings.SITE_URL + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    hours = max(1, settings.PASSWORD_RESET_TIMEOUT // HOUR)
    mail.send_to(
        user.email, language, "password_reset", {"user": user, "link": link, "hours": hours}
    )
