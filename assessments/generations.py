"""One generation number for everything the API may serve from its cache (api/cache.py).

Cached representations are never invalidated one by one: their keys carry the generation, and
any write that could change what a report or a list shows bumps it, so every older entry becomes
unreachable at once and expires on its own (TTL). Finding the entries a write affects would need
the reverse of every read a report makes (its peers' percentile, the previous assessment, the
edition's texts, the brand's name, who may see what), which is where staleness bugs hide; a bump
is one O(1) cache write that cannot miss a dependent entry.

Scoped generations: the writes brand managers make all day (starting, answering, submitting, and
the scoring of a submission) are declared with scoped(): inside it, writes of an assessment's own
rows (SCOPED_MODELS) bump only the generations of the brands and categories named, instead of the
global one. An answer names the scopes it depends on (api/cache.py): a list its brands, a report
its brand (the assessment, its previous one) and its category (the percentile). Everything else
(editions, memberships, users, tokens, brand names, admin edits, rescoring) bumps the global
generation, which every answer depends on. While managers submit at a steady rate, a consultant's
report thus stays cached unless its own brand or category moved (bench/notes/reads.md).

Freshness by construction: the bump lives where every write passes, never at the call sites.
Saves and deletes send model signals (connect() below); the writes that send none (update(),
bulk_create(), bulk_update(), and a queryset's delete) go through FreshQuerySet, the base of
every watched model's manager; the COPY path of rescoring bumps in bulk_insert.copy_rows. A test
(assessments/tests/test_freshness.py) holds every watched model to this.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from readiness import best_effort

KEY = "readiness:generation"
# No cached answer (the assessment list and report, api/cache.py) shows these: work in progress,
# the outbox, a user's language, invitations (their acceptance writes a membership, which is
# watched), a brand's tracked actions and review comments (shown by pages the cache never holds).
UNWATCHED = {
    "EditionJob",
    "JobChunk",
    "OutboxMessage",
    "Profile",
    "Invitation",
    "TrackedAction",
    "EditionComment",
}
# User columns no answer shows and no access rule reads: a login must not empty the cache.
UNSHOWN_USER_FIELDS = frozenset({"last_login", "password"})
# Inside a queryset's delete(): one bump for the whole delete, not one per row's signal.
_quiet = contextvars.ContextVar("generations_quiet", default=False)
# An assessment's own rows: inside scoped(), their writes bump the scope's generations only.
SCOPED_MODELS = frozenset({"Assessment", "Answer", "Result", "PillarResult", "Recommendation"})
# Every brand's writes bump it too: a staff member's list shows every brand.
ANY_BRAND = f"{KEY}:brand:any"
_scope: contextvars.ContextVar[frozenset[str] | None] = contextvars.ContextVar(
    "generations_scope", default=None
)
# A bump that could not reach Redis, and the outages seen to end: see settle().
_owed = False
_recoveries_seen = 0


def current() -> int | None:
    """The generation to read and write cached representations under; None: do not cache."""
    return current_with(KEY)[0]


def current_with(key: str) -> tuple[int | None, object]:
    """The generation and the cache entry under key, in one round trip to the cache.

    For readers that check an entry against the generation it was stored with (api/cache.py,
    api/authentication.py): one MGET instead of two GETs on every request. (None, None) when
    Redis is unreachable, and once after an outage this process saw (settle()): answer
    uncached, and keep nothing.
    """
    found = best_effort.call(cache.get_many, [KEY, key], default=None, what="cache read")
    if found is None or settle():
        return None, None
    if KEY not in found:
        _seed()
        found = best_effort.call(cache.get_many, [KEY, key], default={}, what="cache read")
        if KEY not in found:
            return None, None
    return int(found[KEY]), found.get(key)


def brand_key(brand_id: int) -> str:
    return f"{KEY}:brand:{brand_id}"


def category_key(category_id: int) -> str:
    return f"{KEY}:category:{category_id}"


@contextmanager
def scoped(*, brands: Iterable[int] = (), categories: Iterable[int] = ()):
    """Inside: writes of SCOPED_MODELS bump these brands' and categories' generations only.

    For workflows that change one brand's assessments: what they write shows in that brand's
    lists and reports, and (once scored) in the percentiles of the categories named. Nested
    scopes bump the union of both (never less than either asks for).
    """
    keys = {ANY_BRAND, *map(brand_key, brands), *map(category_key, categories)}
    outer = _scope.get()
    token = _scope.set(frozenset(keys | (outer or set())))
    try:
        yield
    finally:
        _scope.reset(token)


def current_many(keys: Sequence[str]) -> dict[str, int] | None:
    """The generations of these scopes (key -> number); None when Redis is unreachable."""
    found = best_effort.call(cache.get_many, list(keys), default=None, what="cache read")
    if found is None:
        return None
    return _seeded(keys, found)


def _seeded(keys: Sequence[str], found: dict) -> dict[str, int] | None:
    missing = [key for key in keys if key not in found]
    if missing:  # never bumped yet, or evicted: start them where no old entry can match
        for key in missing:
            best_effort.call(_add_seed, key, default=False, what="generation seed")
        more: dict = best_effort.call(cache.get_many, missing, default={}, what="cache read")
        if any(key not in more for key in missing):
            return None
        found = {**found, **more}
    return {key: int(found[key]) for key in keys}


def current_with_scopes(
    key: str, scopes: Sequence[str]
) -> tuple[int | None, object, dict[str, int] | None]:
    """current_with(key), and the generations of these scopes, in the same round trip."""
    found = best_effort.call(cache.get_many, [KEY, key, *scopes], default=None, what="cache read")
    if found is None or settle():
        return None, None, None
    if KEY not in found:
        generation, entry = current_with(key)
        if generation is None:
            return None, None, None
        found = {**found, KEY: generation, key: entry}
    numbers = _seeded(scopes, found) if scopes else {}
    return int(found[KEY]), found.get(key), numbers


def bump(model: type[models.Model] | None = None) -> None:
    """Make cached representations unreachable, now and again once the transaction commits.

    Every one of them (the global generation), or inside scoped() and for a write of an
    assessment's own rows (model in SCOPED_MODELS), those of the scope's brands and categories.

    The bump after commit is the one that guarantees freshness: a request that read the new
    generation before the commit could have cached the old rows under it. The bump now lets the
    writer's own later reads in the same transaction (and tests, which never commit) see the
    change. Outside a transaction both run at once, which is harmless. One bump after commit
    serves every write of the transaction, however many there were.

    Never raises: with Redis unreachable the bump is owed, and paid by settle() once it answers.
    """
    if _quiet.get():
        return
    keys = _keys_for(model)
    _incr(keys)
    callback = _Incr(keys)
    # Entries are (savepoint ids, callback, robust); the stubs know only two of the three.
    if not any(entry[1] == callback for entry in connection.run_on_commit):
        transaction.on_commit(callback)


def _keys_for(model: type[models.Model] | None) -> frozenset[str]:
    scope = _scope.get()
    if (
        scope is None
        or model is None
        or model._meta.app_label != "assessments"
        or model.__name__ not in SCOPED_MODELS
    ):
        return frozenset({KEY})
    return scope


@dataclass(frozen=True)
class _Incr:
    """The after-commit bump of some keys; equal callbacks are registered once per transaction."""

    keys: frozenset[str]

    def __call__(self) -> None:
        _incr(self.keys)


def settle() -> bool:
    """Move the generation on if a bump was missed or an outage ended here; True if it did.

    During an outage writes commit but cannot bump, and other processes may have cached answers
    under the old generation just before: once Redis answers again, the first cache use of each
    process that saw the outage moves the generation on. Called on every cache read, and by the
    outbox's dispatcher on beat (assessments/outbox.py) for processes that serve no requests.
    """
    global _owed, _recoveries_seen
    recoveries = best_effort.breaker.recoveries
    if not _owed and recoveries == _recoveries_seen:
        return False
    _owed, _recoveries_seen = False, recoveries
    # The global generation, whatever the missed bumps' scopes were: it covers them all.
    _incr(frozenset({KEY}))
    return True


@contextmanager
def _quietly():
    # Writes inside send no bump of their own: the caller bumps once for all of them.
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def _incr(keys: frozenset[str]) -> None:
    global _owed
    for key in sorted(keys):
        if not best_effort.call(_incr_or_seed, key, default=False, what="generation bump"):
            _owed = True


def _incr_or_seed(key: str) -> bool:
    try:
        cache.incr(key)
    except ValueError:  # missing: evicted, flushed, or never set
        _add_seed(key)
        cache.incr(key)
    return True


def _seed() -> None:
    best_effort.call(_add_seed, KEY, default=False, what="generation seed")


def _add_seed(key: str) -> bool:
    # Never restart at 1 after an eviction: entries cached under the old numbers would come
    # back. Nanoseconds since the epoch are larger than any generation reached before.
    return cache.add(key, time.time_ns(), timeout=None)


_K = TypeVar("_K")
_V = TypeVar("_V")


class Remembered(Generic[_K, _V]):
    """Values read from the database, kept in this process under the global generation.

    For what only writes that bump the global generation can change (a reader's brands, an
    edition's tier texts): `get` reads a value once per key and generation, and again when the
    generation has moved. Generations are never reused (_add_seed), so an old value never
    matches a new number. With no generation (Redis unreachable, an uncached request) it reads.
    The values are shared by every caller: read them, never change them.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit  # keys kept; forgotten all at once past this
        self._values: dict[_K, tuple[int, _V]] = {}

    def get(self, key: _K, generation: int | None, read: Callable[[], _V]) -> _V:
        known = self._values.get(key)
        if generation is not None and known is not None and known[0] == generation:
            return known[1]
        value = read()
        if generation is not None:
            if len(self._values) >= self.limit:
                self._values.clear()
            self._values[key] = (generation, value)
        return value


_M = TypeVar("_M", bound=models.Model)


class FreshQuerySet(models.QuerySet[_M]):
    """The watched models' querysets: the writes that send no signal bump after they write."""

    def update(self, **kwargs) -> int:
        rows = super().update(**kwargs)
        if rows:
            bump(self.model)
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            bump(self.model)
        return created

    def bulk_update(self, objs, fields, batch_size=None) -> int:
        with _quietly():  # it runs one update() per batch
            rows = super().bulk_update(objs, fields, batch_size=batch_size)
        if rows:
            bump(self.model)
        return rows

    def delete(self):
        with _quietly():  # each row's post_delete signal
            deleted, per_model = super().delete()
        if deleted:
            bump(self.model)
        return deleted, per_model


# The watched models' manager, typed by model: `objects: ClassVar[FreshManager[Pillar]]`.
FreshManager = models.Manager.from_queryset(FreshQuerySet)


def watched_models() -> list[type[models.Model]]:
    """The domain's rows that some cached answer shows or depends on (not their audit trail)."""
    return [
        model
        for model in apps.get_app_config("assessments").get_models()
        if model.__name__ not in UNWATCHED and not hasattr(model, "instance_type")
    ]


def _on_save(sender, update_fields=None, **kwargs) -> None:
    if update_fields is not None and frozenset(update_fields) <= UNSHOWN_USER_FIELDS:
        return  # Django's login saves last_login alone (and a rehash, the password)
    bump(sender)


def _on_m2m(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):  # post_add, post_remove, post_clear
        bump()


def connect() -> None:
    """Bump on every save and delete of the domain's rows, users and API tokens.

    Users, because staff sees everything and a deactivated user sees nothing; tokens, because
    api/authentication.py serves token lookups from the cache under the generation.
    """
    for model in [*watched_models(), get_user_model(), apps.get_model("api", "ApiToken")]:
        uid = f"generations.{model._meta.label}"
        post_save.connect(_on_save, sender=model, dispatch_uid=f"{uid}.save", weak=False)
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"{uid}.delete", weak=False)
    # The users' groups and permissions are left out: no answer or access rule reads them.
    for model in watched_models():
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_on_m2m, sender=through, dispatch_uid=f"generations.{through}")


def _on_delete(sender, **kwargs) -> None:
    bump(sender)
