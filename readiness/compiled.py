"""A queryset compiled to SQL once per thread and shape, then run with each request's values.

Building a queryset and compiling it is pure Python that gives the same SQL every time for the
same shape (the same model, joins, filters and annotations) and differs only in the values
bound to it. For the API's built report, building and compiling its main query (a five-table
join with the stored part's subquery and the access rule) was about 2.3 ms of a 7 ms request
(bench/notes/reads.md). A CompiledRead builds and compiles it once per thread and key, and on
every later call binds the call's values in place of stand-ins and reads model instances as
Django's ModelIterable does: the same rows, objects and select_related relations. A values()
queryset's rows come as its dicts; a page of rows is a window (LIMIT and OFFSET bound, not
compiled in), and count() counts the rows up to a cap, for a paginator.

How the stand-ins are found: the queryset is built twice, with two sets of stand-in values
(large negative ids, which no row has). Both must compile to the same SQL, differing only at
the stand-ins' parameter positions; anything else (a value that shaped the SQL rather than
being bound to it) is refused when the read is first used, which the tests do.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=Model)

# Two sets of stand-ins per slot: ids no table holds (ids are positive), far from any constant
# a query compiles in (limits, offsets, small codes).
_FIRST, _SECOND = -7_000_000_001, -8_000_000_001


class NotCompilable(Exception):
    """The queryset's SQL depends on a slot's value, not only binds it: it cannot be reused."""


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: dict[str, tuple[int, ...]]  # slot -> its positions in params
    compiler: Any  # the SQLCompiler that compiled it: its select, converters, klass_info
    names: tuple[str, ...] | None  # a values() queryset's keys; None for model instances
    init_list: list[str]
    fields_start: int
    fields_end: int
    populators: list


class CompiledRead(Generic[M]):
    """`build(key, **slots)` -> a queryset (of model instances or of values() rows) that binds
    each slot's value.

    `read(key, **values)` returns its rows for those values; `key` names everything else
    that shapes the SQL (a language, a role), and each key is compiled once per thread. Every
    slot must be bound: a build that drops one is refused, never run without it.
    """

    def __init__(self, build: Callable[..., QuerySet[M]], *slots: str) -> None:
        self._build = build
        self._slots = slots
        self._local = threading.local()

    def read(
        self, key: Hashable, *, window: tuple[int, int] | None = None, **values: int
    ) -> list[Any]:
        """The rows for `values`: model instances, or dicts for a values() queryset. `window`
        (offset, limit) reads a page of an unsliced queryset, bound rather than compiled in."""
        compiled = self._compiled(key)
        sql, params = compiled.sql, self._params(compiled, values)
        if window is not None:
            sql, params = f"{sql} LIMIT %s OFFSET %s", [*params, window[1], window[0]]
        rows = self._fetch(compiled, sql, params)
        if compiled.names is not None:
            names = compiled.names
            return [
                dict(zip(names, row, strict=True))
                for row in compiled.compiler.results_iter(results=[rows])
            ]
        return list(self._instances(compiled, rows))

    def count(self, key: Hashable, *, cap: int, **values: int) -> int:
        """How many rows there are for `values`, counting at most `cap`."""
        compiled = self._compiled(key)
        sql = f"SELECT COUNT(*) FROM ({compiled.sql} LIMIT %s) counted"
        [(counted,)] = self._fetch(compiled, sql, [*self._params(compiled, values), cap])
        return int(counted)

    @staticmethod
    def _params(compiled: _Compiled, values: dict[str, int]) -> list:
        params = list(compiled.params)
        for slot, positions in compiled.slots.items():
            for position in positions:
                params[position] = values[slot]
        return params

    @staticmethod
    def _fetch(compiled: _Compiled, sql: str, params: list) -> list:
        with connections[compiled.compiler.using].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _compiled(self, key: Hashable) -> _Compiled:
        # Per thread: a compiler holds its thread's connection (for its converters).
        cache = self._local.__dict__.setdefault("compiled", {})
        if key not in cache:
            cache[key] = self._compile(key)
        return cache[key]

    def _compile(self, key: Hashable) -> _Compiled:
        first, compiler = self._sql(key, _FIRST)
        second, _ = self._sql(key, _SECOND)
        sql, params = first
        if second[0] != sql or len(second[1]) != len(params):
            raise NotCompilable(f"{key!r}: the SQL changes with the slots' values")
        slots: dict[str, list[int]] = {slot: [] for slot in self._slots}
        for position, (a, b) in enumerate(zip(params, second[1], strict=True)):
            if a == b:
                continue
            slot = self._slot_at(a, b)
            if slot is None:
                raise NotCompilable(f"{key!r}: parameter {position} changes with the slots")
            slots[slot].append(position)
        # A slot the SQL does not bind would be a filter dropped (an access rule's user, say).
        unbound = [slot for slot, positions in slots.items() if not positions]
        if unbound:
            raise NotCompilable(f"{key!r}: the SQL binds no value of {', '.join(unbound)}")
        shape = dict(
            sql=sql,
            params=tuple(params),
            slots={slot: tuple(positions) for slot, positions in slots.items()},
            compiler=compiler,
        )
        query = compiler.query
        if query.is_sliced:  # its LIMIT is compiled in: read(window=...) binds one instead
            raise NotCompilable(f"{key!r}: a sliced queryset (read a window of it instead)")
        if not query.default_cols:  # a values() queryset: its names, as ValuesIterable's
            names = (*query.extra_select, *query.values_select, *query.annotation_select)
            return _Compiled(
                **shape, names=names, init_list=[], fields_start=0, fields_end=0, populators=[]
            )
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        return _Compiled(
            **shape,
            names=None,
            init_list=[column[0].target.attname for column in select[start:end]],
            fields_start=start,
            fields_end=end,
            # Django 5.2 takes three (django-stubs describes a later release).
            populators=get_related_populators(klass_info, select, compiler.using),  # type: ignore[call-arg]
        )

    def _sql(self, key: Hashable, base: int) -> tuple[tuple[str, tuple], Any]:
        stand_ins = {slot: base - n for n, slot in enumerate(self._slots)}
        queryset = self._build(key, **stand_ins)
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except (EmptyResultSet, FullResultSet) as exc:
            # The ORM settled a filter by its value (one out of its field's range, say).
            raise NotCompilable(f"{key!r}: a slot's value decides a filter") from exc
        return (sql, tuple(params)), compiler

    def _slot_at(self, first: object, second: object) -> str | None:
        for n, slot in enumerate(self._slots):
            if first == _FIRST - n and second == _SECOND - n:
                return slot
        return None

    @staticmethod
    def _instances(compiled: _Compiled, rows: list):
        """Model instances from rows, as Django's ModelIterable makes them."""
        compiler = compiled.compiler
        model = compiler.klass_info["model"]
        annotations = compiler.annotation_col_map
        for row in compiler.results_iter(results=[rows]):
            obj = model.from_db(
                compiler.using, compiled.init_list, row[compiled.fields_start : compiled.fields_end]
            )
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, position in annotations.items():
                setattr(obj, name, row[position])
            yield obj
