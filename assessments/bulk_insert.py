"""Insert many new rows fast with COPY (PostgreSQL only; callers use bulk_create elsewhere).

Rescoring writes about seventeen rows of JSON-heavy data per assessment. Django's bulk_create
on PostgreSQL sends them as arrays that psycopg quotes in Python; COPY streams them, quoted in
C, several times faster. Ids are reserved from the table's sequence first, so that child rows
can point at their parent before either is written. Signals do not fire, as with bulk_create;
copy_rows bumps the generation of cached API answers itself (assessments/generations.py).

Rows are plain field name -> value mappings, not model instances: building an instance and
preparing each of its values through its field cost more than scoring (profile in
bench/notes/rescoring.md). What Django would do for a value is still done where it matters:
JSON is encoded, fields left out take their default, and field types whose Python value is
not their database value go through the field's own preparation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter

import orjson
from django.db import connection, models
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.utils import timezone

from assessments import generations

# Field types whose Python value PostgreSQL takes as it is in COPY's text form.
_AS_IS = (
    models.IntegerField,
    models.FloatField,
    models.CharField,  # SlugField too
    models.TextField,
    models.BooleanField,
    models.DateTimeField,
    models.AutoField,
)

Encode = Callable[[object], object]


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """New ids from the table's sequence, in one query."""
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def copy_fields(model: type[models.Model], rows: Sequence[Mapping[str, object]]) -> None:
    """COPY new rows given as attname -> value (every row the same names) into the model's table.

    A concrete field missing from the rows takes its default (now for auto_now fields), or
    NULL where it may; a field with neither is an error, never a silent empty column.
    """
    if not rows:
        return
    given = list(rows[0])
    fields = {f.attname: f for f in model._meta.concrete_fields}
    unknown = [name for name in given if name not in fields]
    if unknown:
        raise ValueError(f"{model.__name__} has no field {', '.join(unknown)}")
    # Only the values whose database form differs are converted: a rescoring writes about
    # seventeen rows per assessment, and a call per value was a tenth of its Python time.
    json_memo: dict[int, tuple[object, object]] = {}
    encoders = [
        (i, _memoized(json_memo) if encode is _json_text else encode)
        for i, encode in enumerate(_encoder(fields[name]) for name in given)
        if encode is not _as_is
    ]
    missing = [f for f in fields.values() if f.attname not in given and not f.primary_key]
    defaults = [_default(f) for f in missing]
    columns = [column_of(fields[name]) for name in given] + [column_of(f) for f in missing]
    values_of = itemgetter(*given)

    def database_row(row: Mapping[str, object]) -> list[object]:
        values = [values_of(row)] if len(given) == 1 else list(values_of(row))
        for i, encode in encoders:
            values[i] = encode(values[i])
        return values + defaults

    copy_rows(model, columns, (database_row(row) for row in rows))


def _memoized(memo: dict[int, tuple[object, object]]) -> Encode:
    """JSON text of a value, encoded once per object in one COPY.

    Rows of a rescoring share their evidence lists (scorecard_store.evidence_json). Keyed by
    identity, and the memo keeps each value, so no id is reused while it lives.
    """

    def encode(value: object) -> object:
        hit = memo.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        text = _json_text(value)
        memo[id(value)] = (value, text)
        return text

    return encode


def column_of(field: models.Field | ForeignObjectRel) -> str:
    """The column of a concrete field; a reverse relation or a non-concrete field has none."""
    if not isinstance(field, models.Field) or field.column is None:
        raise ValueError(f"{field} is not stored in a column of its own")
    return field.column


def copy_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """COPY rows of plain values, already in database form, into the model's table.

    Each row holds one value per column, in order; JSON columns take JSON text.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    if model in generations.watched_models():
        generations.bump(model)


def _encoder(field: models.Field) -> Encode:
    if isinstance(field, models.ForeignKey):
        # Stored as the referenced key: prepared as that field would prepare it.
        return _encoder(field.target_field)
    if isinstance(field, models.JSONField) and field.encoder is None:
        return _json_text
    if isinstance(field, _AS_IS) and type(field).get_db_prep_save is models.Field.get_db_prep_save:
        return _as_is
    return lambda value: field.get_db_prep_save(value, connection)


def _as_is(value: object) -> object:
    return value


def _json_text(value: object) -> str | None:
    # orjson: the same JSON as json.dumps (jsonb keeps values, not text), about ten times faster
    # on the kilobytes of evidence a result's recommendations carry. Non-string keys become
    # strings, as json.dumps makes them. None is SQL NULL, as Django stores a None JSONField.
    if value is None:
        return None
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _default(field: models.Field) -> object:
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        return timezone.now()
    if field.has_default():
        return _encoder(field)(field.get_default())
    if field.null:
        return None
    raise ValueError(f"{field.model.__name__}.{field.name} needs a value: it has no default")
