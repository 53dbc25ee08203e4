"""What a locked-out login gets back: django-axes calls this (settings.AXES_LOCKOUT_CALLABLE)."""

from __future__ import annotations

from axes.helpers import get_cool_off, get_lockout_message
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from rest_framework.exceptions import APIException

from api.errors import error_response


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """A JSON message for API clients, axes' own plain message for the web login form."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    if not request.path.startswith("/api/"):
        return HttpResponse(get_lockout_message(), status=status)
    cool_off = get_cool_off(request)
    hours = cool_off.total_seconds() / 3600 if cool_off else None
    detail = (
        "Too many failed login attempts for this username from this address: logins are "
        f"locked for {hours:g} hour(s)."
        if hours
        else "Too many failed login attempts: logins are locked; ask an admin to unlock them."
    )
    locked = APIException(detail, code="locked_out")
    locked.status_code = status
    # Retry-After: the seconds until the lockout ends.
    locked.wait = int(cool_off.total_seconds()) if cool_off else None
    return error_response(locked)
