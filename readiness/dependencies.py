"""A dependency that cannot be reached is a 503 with Retry-After, never a 500 or an HTML page.

The database is the one dependency a request cannot do without (Redis fails open:
readiness/best_effort.py). When a view meets a database that is down, the client is told to come
back shortly: under /api/ in the API's error format, elsewhere in a short plain page.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

from api.error_views import service_unavailable

logger = logging.getLogger(__name__)
# What Django raises for a database it cannot reach or whose connection dropped.
UNREACHABLE = (OperationalError, InterfaceError)


def is_unreachable(exc: BaseException | None) -> bool:
    return isinstance(exc, UNREACHABLE)


class DependencyFailureMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_unreachable(exception):
            return None
        logger.warning("Database unreachable, answered 503: %s", exception)
        return service_unavailable(request)


def current_exception_is_unreachable() -> bool:
    """For handler500, which is not given the exception: raised outside a view (a middleware)."""
    return is_unreachable(sys.exc_info()[1])
