"""API tokens: made for a username and password, listed, revoked; stored as digests only.

A token's value is 32 random bytes as hex, shown once when it is made; the database keeps its
SHA-256 digest and its first characters (the prefix, to tell one's tokens apart). Authentication
(api/authentication.py) digests what a client sends and looks that up: one indexed query, and a
cache entry named by the digest, never by the value.

Revocation takes effect on the next request: a token's delete bumps the generation the cached
lookups are read under (assessments/generations.py), which also covers a lookup cached by a
request that raced the delete, and the entry itself is dropped too.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from api.models import ApiToken
from readiness import best_effort

TOKEN_BYTES = 32
PREFIX_LENGTH = 8
# last_used_at is written at most this often per token: not a write per request.
LAST_USED_EVERY = timedelta(minutes=1)
# The longest lifetime a client may ask for when API_TOKEN_MAX_DAYS sets none (ten years).
LONGEST_DAYS = 3650


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def cache_key(token_digest: str) -> str:
    # v2: the entries of DRF's plain-text tokens (before api/migrations/0005) are never read.
    return f"api:token:v2:{token_digest}"


def max_days() -> int:
    """The longest lifetime a client may ask for, in days."""
    return settings.API_TOKEN_MAX_DAYS or LONGEST_DAYS


def expiry_for(days: int | None, now: datetime | None = None) -> datetime | None:
    """When a token asked for with expires_in_days=days (None: not given) expires; None: never.

    Without days, the configured default lifetime, cut to the configured maximum.
    """
    if days is None:
        defaults = [d for d in (settings.API_TOKEN_DEFAULT_DAYS, settings.API_TOKEN_MAX_DAYS) if d]
        days = min(defaults) if defaults else None
    if days is None:
        return None
    return (now or timezone.now()) + timedelta(days=days)


def token_create(
    *, user, name: str = "", expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for user, and its value: the only time the value exists outside the client."""
    value = secrets.token_hex(TOKEN_BYTES)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=value[:PREFIX_LENGTH],
        digest=digest(value),
        expires_at=expires_at,
    )
    return token, value


def token_revoke(token: ApiToken) -> None:
    tokens_revoke(ApiToken.objects.filter(pk=token.pk), digests=[token.digest])


def tokens_revoke(tokens: QuerySet[ApiToken], digests: list[str] | None = None) -> None:
    """Delete the tokens; each one's next request is a 401, cached lookup or not."""
    if digests is None:
        digests = list(tokens.values_list("digest", flat=True))
    tokens.delete()  # each row's post_delete bumps the generation (generations.connect)
    keys = [cache_key(d) for d in digests]
    if keys:
        best_effort.call(cache.delete_many, keys, default=None, what="token")


def mark_used(token: ApiToken, now: datetime) -> bool:
    """Record that the token was used now, unless that was recorded less than a minute ago.

    True when it wrote. Through the base manager, whose update() bumps nothing: no cached answer
    shows last_used_at, so a use must not move the generation (and miss every cached answer).
    """
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
        return False
    ApiToken._base_manager.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    return True
