"""The project's error views (handler404 ...): JSON for paths under /api/, HTML elsewhere.

A URL that matches no route (/api/v1/assessments/0.5/), or an error outside DRF, is answered by
these views. An API client gets DRF's {"detail": ...}, as from a view; a person gets a page in
the site's layout, in their language, that says what happened and offers a way back.
(With DEBUG on, Django shows its debug pages instead of these.)
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
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
    if _is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
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
    if _is_api(request):
        detail = "You do not have permission to perform this action."
        return JsonResponse({"detail": detail}, status=403)
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
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return error_page(
        request,
        code=404,
        heading=_("Page not found"),
        explanation=_(
            "There is no page at this address, or it belongs to a brand your account does not "
            "serve. Check the link, or start again from your brands."
        ),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "A server error occurred."}, status=500)
    return error_page(
        None,
        code=500,
        heading=_("Something went wrong on our side"),
        explanation=_(
            "The error is ours, not yours, and it has been logged for the admins. Your saved "
            "answers are safe; try again in a moment."
        ),
    )
