"""What a locked-out login gets back: django-axes calls this (settings.AXES_LOCKOUT_CALLABLE).

An API client gets JSON; a person at the login form gets a page in the site's layout that says
for how long logins are locked and leads back to the login page.
"""

from __future__ import annotations

from datetime import timedelta

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _

from api.error_views import error_page


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """A JSON message for API clients, axes' own plain message for the web login form."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    cool_off = get_cool_off(request)
    if not request.path.startswith("/api/"):
        return _lockout_page(request, status, cool_off)
    hours = cool_off.total_seconds() / 3600 if cool_off else None
    detail = (
        "Too many failed login attempts for this username from this address: logins are "
        f"locked for {hours:g} hour(s)."
        if hours
        else "Too many failed login attempts: logins are locked; ask an admin to unlock them."
    )
    response = JsonResponse({"detail": detail, "code": "locked_out"}, status=status)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


def _lockout_page(request: HttpRequest, status: int, cool_off: timedelta | None) -> HttpResponse:
    if cool_off:
        now = timezone.now()
        detail = _("You can try again in %(duration)s, or ask an admin to unlock your account.") % {
            "duration": timeuntil(now + cool_off, now)
        }
    else:
        detail = _("Ask an admin to unlock your account.")
    response = error_page(
        request,
        code=status,
        heading=_("Too many failed logins"),
        explanation=_(
            "Logins for this username from your address are locked after repeated wrong "
            "passwords, to keep the account safe."
        ),
        detail=detail,
        back=(reverse("login"), _("Back to the login page")),
    )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
