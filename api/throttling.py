"""The API's per-user throttle: a fixed-window counter, O(1) in the shared cache per request.

DRF's UserRateThrottle keeps every request time of the window in one cache entry that it reads
and rewrites whole on each request: thousands of timestamps at a high rate (bench/notes/api.md).
Here each user has one integer per window (key: user and window number), raised atomically, so
the cost does not grow with the rate: with django-redis, cache.incr is one round trip.

The price of a fixed window: a client can send up to the rate at the end of one window and again
at the start of the next, so at most twice the rate within one window's length. For a limit whose
purpose is to stop runaway clients rather than meter them exactly, that is an acceptable trade.

Fail open: with Redis unreachable (readiness/best_effort.py) a request is let through uncounted,
and the log says so: refusing every request would turn a cache outage into an API outage.

Each count is also written down on the request (a Quota), so that the answer can say where the
caller stands (RateLimit-Limit, -Remaining, -Reset: api/middleware.RateLimitHeadersMiddleware)
without asking Redis again: the increment already returned the count. A request let through
uncounted has no Quota, and its answer no such headers: we do not know the count, and a guess
would be a lie a client might act on.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle, UserRateThrottle

from readiness import best_effort

logger = logging.getLogger(__name__)


def client_address(request) -> str:
    """The client's address, as every throttle and the login lockout (django-axes) see it.

    DRF's rule under REST_FRAMEWORK["NUM_PROXIES"] (TRUSTED_PROXY_COUNT): the connection's
    address when no proxy is trusted; behind N trusted proxies, the address the outermost of
    them saw, N entries from the right of X-Forwarded-For. Entries further left were written by
    the client and are never trusted.
    """
    return BaseThrottle().get_ident(request)


@dataclass(frozen=True)
class Quota:
    """Where a caller stands against one limit, as the IETF draft's RateLimit-* headers say it."""

    limit: int  # requests allowed in a window
    remaining: int  # of those, still allowed now
    reset: int  # seconds until the count starts again (a 429's Retry-After, when throttled)

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
        }


def _http(request) -> HttpRequest:
    return getattr(request, "_request", request)  # DRF's Request wraps Django's


def note(request, quota: Quota | None) -> None:
    """Write down a count for the answer's headers; the tightest limit (least left) wins."""
    http = _http(request)
    http.rate_limit_counted = True  # type: ignore[attr-defined]  # even when Redis did not answer
    noted = getattr(http, "rate_limit", None)
    if quota is not None and (noted is None or quota.remaining < noted.remaining):
        http.rate_limit = quota  # type: ignore[attr-defined]


def noted(request: HttpRequest) -> Quota | None:
    return getattr(request, "rate_limit", None)


def counted(request: HttpRequest) -> bool:
    """Whether a throttle counted the request, or tried to (with Redis unreachable)."""
    return getattr(request, "rate_limit_counted", False)


class FixedWindowUserThrottle(UserRateThrottle):
    """Same scope ("user"), rates (API_USER_THROTTLE_RATE) and 429 as UserRateThrottle."""

    # Set from the rate by SimpleRateThrottle.__init__; read only when a rate is set.
    num_requests: int
    duration: int

    def allow_request(self, request, view) -> bool:
        key = self.get_cache_key(request, view)
        return key is None or self._allow(request, key)

    def allow_user(self, request: HttpRequest, user_id: int) -> bool:
        """The same count for a request answered before it reaches DRF (api/cache.py)."""
        return self._allow(request, self.cache_format % {"scope": self.scope, "ident": user_id})

    def count_uncounted(self, request: HttpRequest) -> None:
        """Count an API request refused before DRF's throttles ran (a 401, 404, 406 ...), so
        that its answer too says where the caller stands: keyed as DRF keys it (the user, or
        the client's address). It is answered as it was, not refused: it cost us little."""
        # DRF's key, from a request that may have no user yet (a 411 answers before Django's
        # authentication middleware runs).
        user = getattr(request, "user", None)
        ident = user.pk if user is not None and user.is_authenticated else client_address(request)
        self._allow(request, self.cache_format % {"scope": self.scope, "ident": ident})

    def _allow(self, request, key: str) -> bool:
        if self.rate is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        count = best_effort.call(self._count, f"{key}:{window}", default=None, what="throttle")
        if count is None:
            note(request, None)
            return _let_through(self.scope)
        remaining = max(0, self.num_requests - count)
        note(request, Quota(self.num_requests, remaining, math.ceil(self.wait())))
        return count <= self.num_requests

    def _count(self, key: str) -> int:
        try:
            return self.cache.incr(key)  # keeps the expiry set by add() below
        except ValueError:  # the window's first request
            pass
        # Kept for two windows: long enough for this one, then it cleans itself up.
        if self.cache.add(key, 1, timeout=2 * self.duration):
            return 1
        return self.cache.incr(key)  # another process added it between our two calls

    def wait(self) -> float:
        """Seconds until the current window ends, when the counter starts again at zero."""
        return self.duration - (self.now % self.duration)


class FailOpenScopedRateThrottle(ScopedRateThrottle):
    """DRF's ScopedRateThrottle (the token endpoint's), letting requests through without Redis."""

    # Set from the rate by allow_request; read only when a rate is set.
    num_requests: int
    duration: int

    def allow_request(self, request, view) -> bool:
        allowed = best_effort.call(
            super().allow_request, request, view, default=None, what="throttle"
        )
        if allowed is None:
            note(request, None)
            return _let_through(self.scope)
        if getattr(self, "rate", None) is not None and hasattr(self, "history"):
            note(request, self._quota())
        return allowed

    def _quota(self) -> Quota:
        # DRF's sliding window: the times of the requests counted in the last `duration`
        # seconds, newest first. One more is allowed once the oldest leaves the window (DRF's
        # wait(), and so the 429's Retry-After, when none is left).
        remaining = max(0, self.num_requests - len(self.history))
        oldest = self.history[-1] if self.history else self.now
        return Quota(self.num_requests, remaining, math.ceil(self.duration - (self.now - oldest)))


def _let_through(scope: str | None) -> bool:
    logger.warning("Throttle %r not counted (Redis unreachable): request let through.", scope)
    return True
