"""Mail to a user, in their language, as plain text and HTML, from templates/emails/."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.module_loading import import_string

from assessments.models import Profile
from readiness import best_effort

logger = logging.getLogger(__name__)

# A mail relay that refuses, drops or times out: the same send may succeed later.
MAIL_ERRORS = (smtplib.SMTPException, OSError)


def queue(task: str, *args: object, send: Callable[[], None], what: str) -> None:
    """Have a worker send a mail (the task named), retrying while the relay refuses.

    A request only queues its mail: it neither waits for the relay nor fails with it, and it
    takes as long whether or not a mail goes out. Only when no broker answers is the mail sent
    from the request itself (`send`), and a refusal is then logged, never the request's error.
    """
    queued = best_effort.call(
        import_string(task).apply_async, args, retry=False, default=None, what=what
    )
    if queued is not None:
        return
    try:
        send()
    except MAIL_ERRORS:
        logger.exception("%s could not be sent", what)


def user_language(user) -> str:
    """The language the person last used the site in (set at each login), else the default."""
    profile = Profile.objects.filter(user=user).only("language").first()
    return profile.language if profile and profile.language else settings.LANGUAGE_CODE


def send_to(address: str, language: str, template: str, context: dict) -> None:
    """emails/<template>_subject.txt, _body.txt and _body.html rendered in `language`."""
    with translation.override(language):
        context = {**context, "site_url": settings.SITE_URL, "language": language}
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        text = render_to_string(f"emails/{template}_body.txt", context)
        html = render_to_string(f"emails/{template}_body.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [address])
    message.attach_alternative(html, "text/html")
    message.send()


def send_to_user(user, template: str, context: dict) -> None:
    send_to(user.email, user_language(user), template, {"user": user, **context})
