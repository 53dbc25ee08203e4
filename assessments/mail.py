"""Mail to a user, in their language, as plain text and HTML, from templates/emails/."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from assessments.models import Profile


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
