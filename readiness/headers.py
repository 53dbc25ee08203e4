"""Response headers that keep private answers out of shared and browser caches."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# Every API answer names brands and scores of one client: no proxy or browser may keep it.
PRIVATE_PREFIXES = ("/api/",)


class PrivateAnswersMiddleware:
    """`Cache-Control: private, no-store` on every API answer, served fresh or from the cache.

    Before api.cache.AnswerCacheMiddleware, so that an answer it serves gets the header too. The
    web reports and their downloads set it themselves (assessments/views/report_pages.py).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(PRIVATE_PREFIXES):
            patch_cache_control(response, private=True, no_store=True)
        return response
