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
"""

from __future__ import annotations

import logging

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


class FixedWindowUserThrottle(UserRateThrottle):
    """Same scope ("user"), rates (API_USER_THROTTLE_RATE) and 429 as UserRateThrottle."""

    # Set from the rate by SimpleRateThrottle.__init__; read only when a rate is set.
    num_requests: int
    duration: int

    def allow_request(self, request, view) -> bool:
        key = self.get_cache_key(request, view)
        return key is None or self._allow(key)

    def allow_user(self, user_id: int) -> bool:
        """The same count for a request answered before it reaches DRF (api/cache.py)."""
        return self._allow(self.cache_format % {"scope": self.scope, "ident": user_id})

    def _allow(self, key: str) -> bool:
        if self.rate is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        count = best_effort.call(self._count, f"{key}:{window}", default=None, what="throttle")
        if count is None:
            return _let_through(self.scope)
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

    def allow_request(self, request, view) -> bool:
        allowed = best_effort.call(
            super().allow_request, request, view, default=None, what="throttle"
        )
        return _let_through(self.scope) if allowed is None else allowed


def _let_through(scope: str | None) -> bool:
    logger.warning("Throttle %r not counted (Redis unreachable): request let through.", scope)
    return True
