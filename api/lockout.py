"""What a locked-out login gets back: django-axes calls this (settings.AXES_LOCKOUT_CALLABLE).

An API client gets JSON; a person at the login form gets a page in the site's layout that says
for how long logins are locked and leads back to the login page.
"""

from __future__ import annotations

from datetime import timedelta

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.exceptions import APIException

from api.error_views import error_page
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
    retry_after = context["minutes"] * 60 if context["minutes"] else None
    if not request.path.startswith("/api/"):
        return _lockout_page(request, status, context["message"], retry_after)
    locked = APIException(context["message"], code="locked_out")
    locked.status_code = status
    locked.wait = retry_after  # type: ignore[attr-defined]  # Retry-After: seconds until it ends
    return error_response(locked)


def _lockout_page(
    request: HttpRequest, status: int, message: str, retry_after: int | None
) -> HttpResponse:
    """The branded page: what happened, for how long, and the way back to the login."""
    response = error_page(
        request,
        code=status,
        heading=_("Too many failed logins"),
        explanation=_(
            "Logins are locked after repeated wrong passwords, to keep the account safe."
        ),
        detail=message,
        back=(reverse("login"), _("Back to the login page")),
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
