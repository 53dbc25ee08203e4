from __future__ import annotations

from django.conf import settings
from django.db import models


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
