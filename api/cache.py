"""Answers to repeated API reads, served from the shared cache while nothing has been written.

Consultants pull the same lists and reports again and again, and between two writes the answer
to the same request is the same. AnswerCacheMiddleware keeps the answer to a GET of a list or a
report under a key that names everything the answer depends on: the path and the (sorted) query
string, the token, the Accept and Accept-Language headers, the scheme and the host (a list page's
next/previous links are absolute). An identical request gets the stored answer, byte for byte,
with the headers it had, without reaching DRF or the database.

Freshness: each entry carries the generation of assessments/generations.py it was built under,
read before the view ran, and is served only while that is the current one. Every write that
could change an answer bumps it, and so do the writes that change who may see what (memberships,
staff status, deactivated users, revoked tokens): no entry is served after such a write, without
finding and deleting entries one by one. Old entries are just never served again and expire.
No write marks a token's expiry, so an entry keeps the expiry of the token it was answered for
and is not served past it: an expired token gets its 401 from DRF.

Best-effort: with Redis unreachable (readiness/best_effort.py) nothing is read or kept, and every
request is answered by DRF as if the cache were empty; see generations.settle() for how the
generation moves on once Redis is back.

What a served entry still costs: one round trip for the generation and the entry together, and
the user's throttle counter (api/throttling.py), counted as for any request, whose count the
answer's RateLimit-* headers report (api/middleware.py, outside this one, so an entry never keeps
one request's count). A throttled request goes on to DRF, which refuses it with the usual 429.

Left to DRF: requests with cookies (browsers: session auth, CSRF, the language cookie), other
methods and paths, `Cache-Control: no-cache` (answered fresh, then kept), and any answer that is
not a 200 or sets a cookie (never kept).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from api.throttling import FixedWindowUserThrottle
from assessments import generations
from readiness import best_effort

# The API list and report (every format and download): the reads consultants repeat.
CACHED_PATHS = re.compile(r"^/api/v1/assessments/(\d+/report/((csv|pdf|xlsx)/)?)?$")
# Request headers an answer may depend on, besides the path, query string, scheme and host.
KEYED_HEADERS = ("HTTP_AUTHORIZATION", "HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE")
# A safety net only: freshness comes from the generation, not from expiry.
TTL_SECONDS = 600
# Part of every key: raise it when Entry changes, so that a deploy never reads entries pickled
# by the code before it.
ENTRY_VERSION = 2


@dataclass(frozen=True)
class Entry:
    generation: int
    user_id: int
    content: bytes
    headers: tuple[tuple[str, str], ...]
    # The expiry of the token the answer was made for (None: it never expires).
    expires_at: datetime | None = None

    def live(self) -> bool:
        return self.expires_at is None or timezone.now() < self.expires_at

    def response(self) -> HttpResponse:
        return HttpResponse(self.content, headers=dict(self.headers))


@dataclass(frozen=True)
class Lookup:
    key: str
    # Read before the view runs: see generations.bump() for why. None: Redis is unreachable.
    generation: int | None
    entry: Entry | None


def request_key(request: HttpRequest) -> str | None:
    """The key of the request's answer, or None when the answer is never cached."""
    meta = request.META
    if (
        request.method != "GET"
        or not CACHED_PATHS.match(request.path_info)
        or not meta.get("HTTP_AUTHORIZATION", "").startswith("Token ")
        or meta.get("HTTP_COOKIE")
    ):
        return None
    query = sorted((k, v) for k in request.GET for v in request.GET.getlist(k))
    parts = [
        request.path_info,
        repr(query),
        request.scheme,
        request.get_host(),  # validated against ALLOWED_HOSTS, as CommonMiddleware would
        *(meta.get(name, "") for name in KEYED_HEADERS),
    ]
    # A digest: the token is part of the key, and keys show up in cache tooling.
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"api:answer:{ENTRY_VERSION}:{digest}"


def fetch(request: HttpRequest, key: str) -> Lookup:
    generation, entry = generations.current_with(key)
    fresh = "no-cache" in request.headers.get("Cache-Control", "")
    if (
        fresh
        or generation is None
        or not isinstance(entry, Entry)
        or entry.generation != generation
    ):
        entry = None
    return Lookup(key, generation, entry)


def store(lookup: Lookup, request: HttpRequest, response: HttpResponse) -> None:
    """Keep the answer when it is a plain 200 for an authenticated user."""
    user = getattr(request, "user", None)  # set by DRF's authentication
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or user is None
        or not user.is_authenticated
        or lookup.generation is None
    ):
        return
    # DRF's authentication set request.auth: the token, whose expiry bounds the entry's use.
    expires_at = getattr(getattr(request, "auth", None), "expires_at", None)
    entry = Entry(
        lookup.generation, user.pk, bytes(response.content), tuple(response.items()), expires_at
    )
    best_effort.call(cache.set, lookup.key, entry, TTL_SECONDS, default=None, what="answer")


class AnswerCacheMiddleware:
    """Serve a repeated list or report request from the cache (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request_key(request)
        if key is None:
            return self.get_response(request)
        lookup = fetch(request, key)
        entry = lookup.entry
        if (
            entry is not None
            and entry.live()
            and FixedWindowUserThrottle().allow_user(request, entry.user_id)
        ):
            return entry.response()
        response = self.get_response(request)
        store(lookup, request, response)
        return response
