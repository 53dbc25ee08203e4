"""One generation number for everything the API may serve from its cache (api/cache.py).

Cached representations are never invalidated one by one: their keys carry the generation, and
any write that could change what a report or a list shows bumps it, so every older entry becomes
unreachable at once and expires on its own (TTL). Finding the entries a write affects would need
the reverse of every read a report makes (its peers' percentile, the previous assessment, the
edition's texts, the brand's name, who may see what), which is where staleness bugs hide; a bump
is one O(1) cache write that cannot miss a dependent entry.

One number for all of it rather than one per assessment: nearly every write that changes a list
row also changes some report (a peer's score moves percentiles), and writes are rare next to
reads, so the only cost is a few extra misses after each write.
"""

from __future__ import annotations

import time

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

KEY = "readiness:generation"
# Written often and shown by no report or list: progress counters of edition jobs.
UNWATCHED = {"EditionJob", "JobChunk"}


def current() -> int:
    """The generation to read and write cached representations under."""
    value = cache.get(KEY)
    if value is None:
        _seed()
        value = cache.get(KEY)
    return int(value)


def current_with(key: str) -> tuple[int, object]:
    """The generation and the cache entry under key, in one round trip to the cache.

    For readers that check an entry against the generation it was stored with (api/cache.py,
    api/authentication.py): one MGET instead of two GETs on every request.
    """
    found = cache.get_many([KEY, key])
    if KEY not in found:
        return current(), found.get(key)
    return int(found[KEY]), found.get(key)


def bump() -> None:
    """Make every cached representation unreachable, now and again once the transaction commits.

    The bump after commit is the one that guarantees freshness: a request that read the new
    generation before the commit could have cached the old rows under it. The bump now lets the
    writer's own later reads in the same transaction (and tests, which never commit) see the
    change. Outside a transaction both run at once, which is harmless.
    """
    _incr()
    transaction.on_commit(_incr)


def _incr() -> None:
    try:
        cache.incr(KEY)
    except ValueError:  # missing: evicted, flushed, or never set
        _seed()
        cache.incr(KEY)


def _seed() -> None:
    # Never restart at 1 after an eviction: entries cached under the old numbers would come
    # back. Nanoseconds since the epoch are larger than any generation reached before.
    cache.add(KEY, time.time_ns(), timeout=None)


def _on_write(sender, **kwargs) -> None:
    bump()


def connect() -> None:
    """Bump on every save and delete of the domain's rows, users and API tokens.

    Users, because staff sees everything and a deactivated user sees nothing; tokens, because
    api/authentication.py serves token lookups from the cache under the generation.

    Writes without signals (QuerySet.update(), bulk inserts, COPY) call bump() themselves in
    assessments/services.py and assessments/publishing.py.
    """
    watched = [
        model
        for model in apps.get_app_config("assessments").get_models()
        if model.__name__ not in UNWATCHED
    ]
    for model in [*watched, get_user_model(), apps.get_model("authtoken", "Token")]:
        uid = f"generations.{model._meta.label}"
        post_save.connect(_on_write, sender=model, dispatch_uid=f"{uid}.save", weak=False)
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"{uid}.delete", weak=False)
