"""Answers to repeated API reads, served from the shared cache while nothing has been written.

Consultants pull the same lists and reports again and again, and between two writes the answer
to the same request is the same. AnswerCacheMiddleware keeps the answer to a GET of a list or a
report under a key that names everything the answer depends on: the path and the (sorted) query
string, the token, the Accept and Accept-Language headers, the scheme and the host (a list page's
next/previous links are absolute). An identical request gets the stored answer, byte for byte,
with the headers it had, without reaching DRF or the database.

Freshness: each entry carries the generations of assessments/generations.py it was built under,
read before the view read its rows, and is served only while they are the current ones: the
global generation, which the writes that could change any answer bump (editions, memberships,
staff status, deactivated users, revoked tokens, brand names), and the scoped generations the
view names with depends_on(): a list its brands', a report its brand's and its category's (the
percentile). A brand manager's submission, and its scoring, bump only their brand's and
category's: other brands' answers stay served. No entry is deleted one by one; old entries are
just never served again and expire.

The scopes an answer depends on are known once its view has run: they are kept with the entry,
and remembered per key in the process (_known_scopes), so that the next request for the key reads
them before the view runs, in the same MGET as the global generation and the entry. A view that
finds its scopes were not read in advance reads them then, and its rows again (depends_on()'s
answer): a row read before its generation could have been cached under the new number.

No write marks a token's expiry, so an entry keeps the expiry of the token it was answered for
and is not served past it: an expired token gets its 401 from DRF.

Best-effort: with Redis unreachable (readiness/best_effort.py) nothing is read or kept, and every
request is answered by DRF as if the cache were empty; see generations.settle() for how the
generation moves on once Redis is back.

What a served entry still costs: one round trip for the generations and the entry together, and
the user's throttle counter (api/throttling.py), counted as for any request, whose count the
answer's RateLimit-* headers report (api/middleware.py, outside this one, so an entry never keeps
one request's count). A throttled request goes on to DRF, which refuses it with the usual 429.

Answers to the requests it could serve say which they were: `X-Cache: hit` or `miss`.

Left to DRF: requests with cookies (browsers: session auth, CSRF, the language cookie), other
methods and paths, `Cache-Control: no-cache` (answered fresh, then kept), and any answer that is
not a 200 or sets a cookie (never kept).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
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
# Keys whose scopes this process remembers; forgotten all at once past this (a hint only).
KNOWN_SCOPES_MAX = 20_000
_known_scopes: dict[str, tuple[str, ...]] = {}
REQUEST_ATTRIBUTE = "_answer_cache"
# On every answer to a request this cache could serve: "hit" (served from it) or "miss" (built),
# as CDNs say; operators and the benchmark read the hit rate off it (bench/reads.py).
OUTCOME_HEADER = "X-Cache"


@dataclass(frozen=True)
class Entry:
    generation: int
    # The scoped generations' keys it depends on, and their numbers when it was built.
    scopes: tuple[tuple[str, int], ...]
    user_id: int
    content: bytes
    headers: tuple[tuple[str, str], ...]
    # The expiry of the token the answer was made for (None: it never expires).
    expires_at: datetime | None = None

    def live(self) -> bool:
        return self.expires_at is None or timezone.now() < self.expires_at

    def response(self) -> HttpResponse:
        return HttpResponse(self.content, headers=dict(self.headers))


@dataclass
class Lookup:
    key: str
    # Read before the view runs: see generations.bump() for why. None: Redis is unreachable.
    generation: int | None
    entry: Entry | None
    # Scoped generations read before the view ran (key -> number); the view's depends_on()
    # adds what it names that was not among them.
    scopes: dict[str, int] = field(default_factory=dict)
    # What the view named (depends_on); None: nothing, and the answer is not kept.
    named: tuple[str, ...] | None = None


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
    known = _known_scopes.get(key, ())
    generation, entry, scopes = generations.current_with_scopes(key, known)
    if generation is None or scopes is None:
        return Lookup(key, None, None)
    if isinstance(entry, Entry) and not known and entry.scopes:
        # Another process built it: its scopes, read now, still before this view runs.
        more = generations.current_many([name for name, _ in entry.scopes])
        if more is None:
            return Lookup(key, None, None)
        scopes = more
    fresh = "no-cache" in request.headers.get("Cache-Control", "")
    if (
        fresh
        or not isinstance(entry, Entry)
        or entry.generation != generation
        or any(scopes.get(name) != number for name, number in entry.scopes)
    ):
        entry = None
    return Lookup(key, generation, entry, scopes)


def generation_read(request: HttpRequest) -> int | None:
    """The global generation read for this request before its view ran; None when its answer
    is not cached (not a cached path, or Redis unreachable)."""
    lookup: Lookup | None = getattr(request, REQUEST_ATTRIBUTE, None)
    return None if lookup is None else lookup.generation


def depends_on(
    request: HttpRequest, *, brands: Iterable[int] = (), categories: Iterable[int] = ()
) -> bool:
    """Name the scoped generations the answer depends on (a view calls it before answering).

    True when their numbers were read before the view ran (the usual case): the rows read so
    far may go into the cached answer. False when some were read only now: the caller must read
    again the rows it read before this call, or the answer could hold rows older than the
    numbers it is kept under. Always True for a request whose answer is never cached.
    """
    lookup: Lookup | None = getattr(request, REQUEST_ATTRIBUTE, None)
    if lookup is None or lookup.generation is None:
        return True
    names = tuple(
        sorted({*map(generations.brand_key, brands), *map(generations.category_key, categories)})
    )
    lookup.named = names
    missing = [name for name in names if name not in lookup.scopes]
    if not missing:
        return True
    read = generations.current_many(missing)
    if read is None:
        lookup.generation = None  # keep nothing
        return True
    lookup.scopes.update(read)
    return False


def depends_on_any_brand(request: HttpRequest) -> None:
    """For an answer that shows every brand (a staff member's list): any brand's write."""
    lookup: Lookup | None = getattr(request, REQUEST_ATTRIBUTE, None)
    if lookup is None or lookup.generation is None:
        return
    lookup.named = (generations.ANY_BRAND,)
    if generations.ANY_BRAND not in lookup.scopes:
        read = generations.current_many(lookup.named)
        if read is None:
            lookup.generation = None
        else:
            lookup.scopes.update(read)


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
        or lookup.named is None  # a view that names no scope: its freshness is not known
    ):
        return
    # DRF's authentication set request.auth: the token, whose expiry bounds the entry's use.
    expires_at = getattr(getattr(request, "auth", None), "expires_at", None)
    _remember(lookup.key, lookup.named)
    scopes = tuple((name, lookup.scopes[name]) for name in lookup.named)
    entry = Entry(
        lookup.generation,
        scopes,
        user.pk,
        bytes(response.content),
        tuple(response.items()),
        expires_at,
    )
    best_effort.call(cache.set, lookup.key, entry, TTL_SECONDS, default=None, what="answer")


def _remember(key: str, names: tuple[str, ...]) -> None:
    if _known_scopes.get(key) == names:
        return
    if len(_known_scopes) >= KNOWN_SCOPES_MAX:
        _known_scopes.clear()
    _known_scopes[key] = names


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
            response = entry.response()
            response[OUTCOME_HEADER] = "hit"
            return response
        setattr(request, REQUEST_ATTRIBUTE, lookup)
        response = self.get_response(request)
        store(lookup, request, response)
        response[OUTCOME_HEADER] = "miss"  # after store(): never part of a kept entry
        return response
