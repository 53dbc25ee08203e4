"""Django's HTTP middleware, fitted to an API under /api/.

CommonMiddleware, with the two things it gets wrong for an API:

- APPEND_SLASH redirects a path without its trailing slash with an HTML 301 (for a POST, a body
  lost on the way): under /api/ the URL resolver's 404 answers instead, as JSON naming the path
  with the slash (api/error_views.py).
- A body sent with Transfer-Encoding: chunked has no Content-Length, and Django reads such a
  body as empty, so the API would silently act on no input: under /api/ it is a JSON 411.

Also the rate-limit headers every API answer carries (RateLimitHeadersMiddleware), and ETags.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.middleware.common import CommonMiddleware
from django.middleware.http import ConditionalGetMiddleware
from rest_framework.exceptions import APIException

from api import throttling
from api.error_views import is_api
from api.errors import error_response


class LengthRequired(APIException):
    status_code = 411
    default_code = "length_required"
    default_detail = (
        "Send the body with a Content-Length header: a chunked body (Transfer-Encoding: "
        "chunked) cannot be read here."
    )


class ApiCommonMiddleware(CommonMiddleware):
    def process_request(self, request: HttpRequest):
        if is_api(request) and _chunked_without_length(request):
            return error_response(LengthRequired())
        return super().process_request(request)

    def should_redirect_with_slash(self, request: HttpRequest) -> bool:
        return not is_api(request) and super().should_redirect_with_slash(request)


def _chunked_without_length(request: HttpRequest) -> bool:
    encoding = request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    return "chunked" in encoding and not request.META.get("CONTENT_LENGTH")


class ApiConditionalGetMiddleware(ConditionalGetMiddleware):
    """Django's ETag and If-None-Match (304) for GETs under /api/, cached answers included.

    The ETag is a digest of the answer's bytes, so it changes exactly when what the client
    would read changes (data, language, format); a streamed CSV export has none.
    """

    def process_response(self, request: HttpRequest, response):
        if not is_api(request):
            return response
        return super().process_response(request, response)


class RateLimitHeadersMiddleware:
    """RateLimit-Limit, -Remaining and -Reset (the IETF draft's names) on every answer under /api/.

    From the count the request's throttle wrote down (api/throttling.note): built by DRF or
    served from the answer cache (api/cache.py), one count and no second Redis call. A request
    refused before DRF's throttles ran (a 401, a 404 for an unknown path, a 406) is counted here
    instead, as DRF would have. Outside the conditional-GET middleware, so a 304 says it too;
    and outside the answer cache, so a cached entry never keeps one request's count. With Redis
    unreachable (throttles fail open) there is no count: the headers are left out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if not is_api(request):
            return response
        if not throttling.counted(request):
            throttling.FixedWindowUserThrottle().count_uncounted(request)
        quota = throttling.noted(request)
        for name, value in (quota.headers() if quota else {}).items():
            response[name] = value
        return response
