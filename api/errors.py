"""The one format every error under /api/ answers in, whatever its status (400 to 503).

The format is drf-standardized-errors' (its exception handler, settings.REST_FRAMEWORK):

    {"type": "validation_error" | "client_error" | "server_error",
     "errors": [{"code": "...", "detail": "...", "attr": "answers.pay-share" | null}]}

Answers made outside DRF (a URL that matches no route, a lockout, a 411) build the same body
with error_response(), so a client parses one shape for every status. A few errors add a
top-level field beside these (a stale write's current_version).
"""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from drf_standardized_errors.formatter import ExceptionFormatter
from drf_standardized_errors.handler import ExceptionHandler
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from api.exceptions import BodyTooLarge, DependencyUnavailable

logger = logging.getLogger(__name__)


class ApiExceptionHandler(ExceptionHandler):
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE while DRF reads it; without
        # this the client would get a 500.
        if isinstance(exc, RequestDataTooBig):
            return BodyTooLarge()
        # Django's Http404 and PermissionDenied become DRF's, with their generic messages: a
        # get_object_or_404 message would name the model ("No Assessment matches ...").
        return super().convert_known_exceptions(exc)

    def report_exception(self, exc: APIException, response: Response) -> None:
        # A dependency that is down (a 503 the client is told to retry) is not a bug: logged as
        # a warning, not signalled as a server error to error trackers.
        if isinstance(exc, DependencyUnavailable):
            logger.warning("Answered 503 (%s): %s", exc.get_codes(), exc.detail)
            return
        super().report_exception(exc, response)

    def should_not_handle(self, exc: Exception) -> bool:
        # A database that is down is not this view's 500: re-raised, it reaches
        # DependencyFailureMiddleware, which answers the 503 with Retry-After for every page.
        from readiness.dependencies import is_unreachable  # it imports this module's users

        return is_unreachable(exc) or super().should_not_handle(exc)


class ApiExceptionFormatter(ExceptionFormatter):
    def format_error_response(self, error_response) -> dict:
        return {**super().format_error_response(error_response), **getattr(self.exc, "extra", {})}


def error_body(exc: APIException) -> dict:
    """The body the handler would answer for this exception, for answers made outside DRF."""
    return ApiExceptionFormatter(exc, {"request": None}, exc).run()  # type: ignore[typeddict-item]


def error_response(exc: APIException) -> JsonResponse:
    response = JsonResponse(error_body(exc), status=exc.status_code)
    wait = getattr(exc, "wait", None)
    if wait:
        response["Retry-After"] = str(int(wait))
    return response
