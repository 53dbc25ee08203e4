"""Redis on a request path is best-effort: a call that cannot reach it fails open, fast.

The cache (token lookups, cached answers, throttle counters, the generation) and the broker
(the scoring message sent right after a commit) only ever speed a request up or start work that
the outbox's dispatcher would start anyway (assessments/outbox.py). So a Redis that is down or
hung must cost a request at most one short timeout (REDIS_CONNECT_TIMEOUT_MS,
REDIS_READ_TIMEOUT_MS), never a 500. A circuit
breaker (the circuitbreaker library) remembers the failure for the whole process: for
REDIS_BREAKER_RESET_SECONDS every further call fails at once without touching the network, then
calls try again, and the first success closes it. A hung Redis thus costs one timeout per process
and period, not one per call. (Not pybreaker: it holds a lock for the length of every call, which
would queue a gthread worker's threads behind each other's cache reads.)

One breaker for cache and broker: they share REDIS_URL in every deployment this project has.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import redis.exceptions
from circuitbreaker import STATE_OPEN, CircuitBreaker, CircuitBreakerError
from django.conf import settings
from django_redis.exceptions import ConnectionInterrupted
from kombu.exceptions import OperationalError as KombuOperationalError
from prometheus_client import Counter

logger = logging.getLogger(__name__)
T = TypeVar("T")
FAILURES = Counter(
    "readiness_redis_failures", "Redis calls that failed or were skipped (breaker open)", ["what"]
)

# What a Redis that is down, hung or unreachable raises, through django-redis, redis-py or kombu.
FAULTS: tuple[type[BaseException], ...] = (
    ConnectionInterrupted,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    KombuOperationalError,
    OSError,
)


class RedisBreaker(CircuitBreaker):
    # The first fault opens it: a request must not pay a second timeout for the same outage.
    FAILURE_THRESHOLD = 1
    # Only connection faults count: a missing key (ValueError from incr) is an answer.
    EXPECTED_EXCEPTION = FAULTS  # type: ignore[assignment]  # the library takes a tuple too

    def __init__(self) -> None:
        super().__init__(recovery_timeout=settings.REDIS_BREAKER_RESET_SECONDS, name="redis")
        # Outages this process saw end: generations.settle() moves the generation on after each.
        self.recoveries = 0

    def reset(self) -> None:
        # Called after every successful call; only the first after an outage has news.
        if self._state == STATE_OPEN:
            self.recoveries += 1
            logger.warning("Redis reachable again: cache and queue back in use.")
        super().reset()


breaker = RedisBreaker()


def call(function: Callable[..., T], *args, default: T, what: str, **kwargs) -> T:
    """function(*args, **kwargs), or default when Redis is unreachable or the breaker is open."""
    if breaker.opened:
        logger.debug("Redis breaker open: %s skipped.", what)
        FAILURES.labels("skipped").inc()
        return default
    try:
        return breaker.call(function, *args, **kwargs)
    except CircuitBreakerError:
        return default
    except FAULTS as exc:
        FAILURES.labels("failed").inc()
        logger.warning(
            "Redis unreachable, %s skipped (and Redis for %ss): %s",
            what,
            settings.REDIS_BREAKER_RESET_SECONDS,
            exc,
        )
    return default


def call_past_breaker(function: Callable[..., T], *args, default: T, what: str, **kwargs) -> T:
    """The same, whatever the breaker says: for work that does not need Redis after all."""
    try:
        return function(*args, **kwargs)
    except FAULTS as exc:
        logger.warning("Redis unreachable, %s skipped: %s", what, exc)
    return default


def reset() -> None:
    """Close the breaker (tests, which stop and start Redis at will)."""
    breaker.reset()
