"""Idempotency-Key on POST: a retried create replays its first answer instead of creating twice.

A client that lost the answer to a POST (a timeout, a dropped connection) cannot know whether
the assessment or webhook was created; sending the same request again with the same
`Idempotency-Key` header is then safe. The first answer is kept per user and key in the shared
cache for IDEMPOTENCY_TTL, with a fingerprint of the request: the same key with the same body
replays that answer (status, body, Location), marked `Idempotent-Replayed: true`; the same key
with another body is a 422, and while the first request is still running a second one is a 409.

Written here because no maintained Django/DRF library does this over the Django cache (the
packages found keep keys in tables of their own or are unmaintained); it is a cache.add() as a
lock, then one cache.set() of the answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from api.exceptions import DependencyUnavailable
from readiness import best_effort

HEADER = "Idempotency-Key"
# Stripe's figure: long enough for any client's retries, short enough to forget keys.
IDEMPOTENCY_TTL = 24 * 3600
# Keys are the client's: a UUID is 36 characters; anything printable up to this length is taken.
MAX_KEY_LENGTH = 255
# While the first request runs: longer than any create takes, so a crashed one frees its key.
IN_FLIGHT_SECONDS = 60
WHAT = "idempotency key"
RETRY_AFTER_SECONDS = 10
UNAVAILABLE = (
    "Idempotency keys cannot be checked right now (their store is unreachable): retry with the "
    "same key in a few seconds, or send the request without the header."
)


class KeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = (
        "This Idempotency-Key was used with another request in the last 24 hours; nothing was "
        "done. Use a new key for a new request."
    )


class KeyInFlight(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_key_in_flight"
    default_detail = "A request with this Idempotency-Key is still running; retry in a moment."


@dataclass(frozen=True)
class Answer:
    fingerprint: str
    status: int | None  # None while the first request runs
    data: object = None
    headers: tuple[tuple[str, str], ...] = ()


def idempotent(request, create: Callable[[], Response]) -> Response:
    """create()'s answer, or the answer kept for this user's Idempotency-Key."""
    key = request.headers.get(HEADER)
    if key is None:
        return create()
    cache_key = _cache_key(request.user.pk, _valid(key))
    fingerprint = _fingerprint(request)
    added = best_effort.call(
        cache.add, cache_key, Answer(fingerprint, None), IN_FLIGHT_SECONDS, default=None, what=WHAT
    )
    if added is None:
        # Without the store a retry could create a second assessment: refuse, so the client
        # retries with the same key once Redis is back (or sends the request without a key).
        raise DependencyUnavailable(UNAVAILABLE, wait=RETRY_AFTER_SECONDS)
    if not added:
        return _replay(best_effort.call(cache.get, cache_key, default=None, what=WHAT), fingerprint)
    try:
        response = create()
    except BaseException:
        # Nothing was created: the same key may be tried again.
        best_effort.call(cache.delete, cache_key, default=None, what=WHAT)
        raise
    kept = tuple((name, response[name]) for name in ("Location",) if response.has_header(name))
    answer = Answer(fingerprint, response.status_code, response.data, kept)
    best_effort.call(cache.set, cache_key, answer, IDEMPOTENCY_TTL, default=None, what=WHAT)
    return response


def _replay(answer: Answer | None, fingerprint: str) -> Response:
    if answer is None:  # expired between the two calls: rare, and safe to call again
        raise KeyInFlight()
    if answer.fingerprint != fingerprint:
        raise KeyReused()
    if answer.status is None:
        raise KeyInFlight()
    headers = {**dict(answer.headers), "Idempotent-Replayed": "true"}
    return Response(answer.data, status=answer.status, headers=headers)


def _valid(key: str) -> str:
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationError(
            {HEADER: [f"1 to {MAX_KEY_LENGTH} printable characters; a UUID is a good key."]}
        )
    return key


def _cache_key(user_id: int, key: str) -> str:
    # A digest: the client's key may hold characters a cache key must not.
    return f"api:idempotency:{user_id}:{hashlib.sha256(key.encode()).hexdigest()}"


def _fingerprint(request) -> str:
    # The parsed body, canonically written: the same request with other whitespace or key order
    # is the same request.
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()
