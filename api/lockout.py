"""What a locked-out login gets back: django-axes calls this (settings.AXES_LOCKOUT_CALLABLE)."""

from __future__ import annotations

from datetime import timedelta

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.exceptions import APIException

from api.errors import error_response


def lockout_context(request: HttpRequest) -> dict:
    """What the lockout answer says: how long it lasts, and whether the account or the address.

    A per-account lock (assessments/account_lockout.py) lasts until its own end; axes' per-address
    lock lasts AXES_COOLOFF_TIME from the last failure.
    """
    until = getattr(request, "account_locked_until", None)
    if until is not None:
        remaining: timedelta | None = until - timezone.now()
        scope = "account"
    else:
        remaining = get_cool_off(request)
        scope = "address"
    minutes = max(1, -(-int(remaining.total_seconds()) // 60)) if remaining else None
    if minutes is None:
        message = _("Too many failed logins: logins are locked; ask an admin to unlock them.")
    elif scope == "account":
        message = ngettext(
            "Too many failed logins for this account: it is locked for %(minutes)d minute.",
            "Too many failed logins for this account: it is locked for %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
    else:
        message = ngettext(
            "Too many failed logins for this username from this address: logins are locked "
            "for %(minutes)d minute.",
            "Too many failed logins for this username from this address: logins are locked "
            "for %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
    return {"scope": scope, "minutes": minutes, "message": message}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """A JSON message for API clients, a plain page for the web login; both say for how long."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    context = lockout_context(request)
    if not request.path.startswith("/api/"):
        response = HttpResponse(context["message"], status=status, content_type="text/plain")
        if context["minutes"]:
            response["Retry-After"] = str(context["minutes"] * 60)
        return response
    locked = APIException(context["message"], code="locked_out")
    locked.status_code = status
    # Retry-After: the seconds until the lockout ends.
    locked.wait = context["minutes"] * 60 if context["minutes"] else None  # type: ignore[attr-defined]
    return error_response(locked)
