"""Rendered report and list bodies in the shared cache, under keys that cannot serve stale ones.

A key names everything the body depends on: what is shown (the assessment and its result, or the
user and the normalised query string), the active language, the negotiated media type (its
parameters too: `indent` changes the JSON), the host (a list page's next/previous links are
absolute) and the generation of assessments/generations.py. Any write that could change a body
bumps the generation, so a key built after that write never names an entry built before it: the
cache needs no invalidation, old entries are just never read again and expire after TTL.

What the cache never skips: authentication, the throttle and, for a report, the access rule
(one query); a list key carries the user, and a change of who may see what bumps the generation.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language
from rest_framework.request import Request

from assessments import generations

# A safety net only: freshness comes from the generation in every key, not from expiry.
TTL_SECONDS = 600
# The response headers a cached body needs to be served again as it was first.
KEPT_HEADERS = ("Content-Type", "Content-Disposition")


def report_key(request: Request, *, assessment_id: int) -> str:
    # No result id: reading it would cost a query on every hit, and every path that points an
    # assessment at a new result (scoring, rescoring) bumps the generation anyway.
    return _key(request, "report", str(assessment_id))


def list_key(request: Request) -> str:
    # Sorted so that ?a=1&b=2 and ?b=2&a=1 share an entry; every value is kept (lists too).
    query = sorted((k, v) for k in request.query_params for v in request.query_params.getlist(k))
    return _key(request, "list", f"{request.user.pk}:{query!r}")


def _key(request: Request, kind: str, subject: str) -> str:
    # The generation is read before the body is built: see generations.bump() for why.
    parts = [
        kind,
        subject,
        str(get_language()),
        str(request.accepted_media_type),
        request.get_host(),
        str(generations.current()),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"api:body:{kind}:{digest}"


def fetch(request: Request, key: str) -> HttpResponse | None:
    """The cached response under key, or None; `Cache-Control: no-cache` asks for a fresh one."""
    if "no-cache" in request.headers.get("Cache-Control", ""):
        return None
    entry = cache.get(key)
    if entry is None:
        return None
    content, headers = entry
    return HttpResponse(content, headers=headers)


def store(key: str, response: HttpResponse) -> None:
    """Keep a rendered 200 response's body and the headers it needs; anything else is not kept."""
    if response.status_code != 200:
        return
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    cache.set(key, (bytes(response.content), headers), TTL_SECONDS)
