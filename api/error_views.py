"""The project's error views (handler404 ...): JSON for paths under /api/, HTML elsewhere.

A URL that matches no route (/api/v1/assessments/0.5/), or an error outside DRF, is answered by
Django's error views, in HTML. An API client gets DRF's {"detail": ...} instead, as from a view.
(With DEBUG on, Django shows its debug pages instead of these.)
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        detail = "You do not have permission to perform this action."
        return JsonResponse({"detail": detail}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    from readiness.dependencies import current_exception_is_unreachable

    if current_exception_is_unreachable():  # the database, from outside a view
        return service_unavailable(request)
    if _is_api(request):
        return JsonResponse({"detail": "A server error occurred."}, status=500)
    return defaults.server_error(request)


# Seconds before a client should try again when a dependency is down: about what a database
# restart or failover takes.
RETRY_AFTER_SECONDS = 10


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """A dependency (the database) is unreachable: 503, and when to come back."""
    if _is_api(request):
        detail = "The service is briefly unavailable. Try again in a few seconds."
        response: HttpResponse = JsonResponse({"detail": detail}, status=503)
    else:
        text = "The service is briefly unavailable. Try again in a few seconds.\n"
        response = HttpResponse(text, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
