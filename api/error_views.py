"""The project's error views (handler404 ...): JSON for paths under /api/, HTML elsewhere.

A URL that matches no route (/api/v1/assessments/0.5/), or an error outside DRF, is answered by
these views. An API client gets the API's one error format (api/errors.py), as from a view; a
person gets a page in the site's layout, in their language, that says what happened and offers a
way back.
(With DEBUG on, Django shows its debug pages instead of these.)
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from rest_framework import exceptions

from api.errors import error_response
from api.exceptions import DependencyUnavailable

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def error_page(
    request: HttpRequest | None,
    *,
    code: int,
    heading: str,
    explanation: str,
    detail: str = "",
    back: tuple[str, str] | None = None,
) -> HttpResponse:
    """An error page in the site's layout. Without a request (a 500), no context processor
    runs: the page then needs neither the database nor the session, which may be what failed."""
    back_url, back_label = back or (reverse("dashboard"), _("Back to your brands"))
    context = {
        "code": code,
        "heading": heading,
        "explanation": explanation,
        "detail": detail,
        "back_url": back_url,
        "back_label": back_label,
    }
    html = loader.render_to_string("errors/error.html", context, request=request)
    return HttpResponse(html, status=code)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return error_response(exceptions.ParseError("Bad request."))
    return error_page(
        request,
        code=400,
        heading=_("The request could not be read"),
        explanation=_(
            "The page sent something the site could not understand, often because it was open "
            "for a long time. Nothing was changed."
        ),
    )


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return error_response(exceptions.PermissionDenied())
    return error_page(
        request,
        code=403,
        heading=_("You may not do this"),
        explanation=_(
            "Your account can see this page but not change it: only a brand's managers answer "
            "and delete its assessments. Ask one of them, or an admin, if you need to."
        ),
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return error_response(exceptions.NotFound(_not_found_detail(request)))
    return error_page(
        request,
        code=404,
        heading=_("Page not found"),
        explanation=_(
            "There is no page at this address, or it belongs to a brand your account does not "
            "serve. Check the link, or start again from your brands."
        ),
    )


def _not_found_detail(request: HttpRequest) -> str:
    # No redirect under /api/ (api/middleware.py): a path missing its slash is named instead.
    if not request.path_info.endswith("/"):
        try:
            resolve(request.path_info + "/")
        except Resolver404:
            pass
        else:
            return f"Not found. API paths end with a slash: {request.path}/"
    return "Not found."


def server_error(request: HttpRequest) -> HttpResponse:
    from readiness.dependencies import current_exception_is_unreachable

    if current_exception_is_unreachable():  # the database, from outside a view
        return service_unavailable(request)
    if is_api(request):
        return error_response(exceptions.APIException())
    return error_page(
        None,
        code=500,
        heading=_("Something went wrong on our side"),
        explanation=_(
            "The error is ours, not yours, and it has been logged for the admins. Your saved "
            "answers are safe; try again in a moment."
        ),
    )


# Seconds before a client should try again when a dependency is down: about what a database
# restart or failover takes.
RETRY_AFTER_SECONDS = 10


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """A dependency (the database) is unreachable: 503, and when to come back."""
    detail = "The service is briefly unavailable. Try again in a few seconds."
    if is_api(request):
        return error_response(DependencyUnavailable(detail, wait=RETRY_AFTER_SECONDS))
    response = HttpResponse(detail + "\n", status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
