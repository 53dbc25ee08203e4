"""The project's error views (handler404 ...): JSON for paths under /api/, HTML elsewhere.

A URL that matches no route (/api/v1/assessments/0.5/), or an error outside DRF, is answered by
Django's error views, in HTML. An API client gets the API's one error format (api/errors.py)
instead, as from a view. (With DEBUG on, Django shows its debug pages instead of these.)
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.views import defaults
from rest_framework import exceptions

from api.errors import error_response
from api.exceptions import DependencyUnavailable

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return error_response(exceptions.ParseError("Bad request."))
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return error_response(exceptions.PermissionDenied())
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return error_response(exceptions.NotFound(_not_found_detail(request)))
    return defaults.page_not_found(request, exception)


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
    return defaults.server_error(request)


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
