"""PostgreSQL as readiness/db.py sets it up: prepared statements planned once, with no size
limit, and timestamps read by psycopg's C loader, as Django reads them."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader, register_tzloader
from psycopg.pq import Format

from assessments.models import Assessment, Brand
from assessments.tests.factories import BrandFactory
from conftest import require
from readiness.db import (
    _C_TIMESTAMPTZ_LOADER,
    MAX_BOUND_PARAMETERS,
    TIMESTAMPTZ_OID,
    UtcTimestamptzLoader,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql():
    require(connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database")


def _prepared(fragment: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            [f"%{fragment}%"],
        )
        return cursor.fetchone()[0]


def test_a_query_that_repeats_is_planned_once_per_connection():
    brand = BrandFactory()
    for _ in range(6):
        assert Brand.objects.get(slug=brand.slug) == brand
    # The statement PostgreSQL keeps, with its value as a parameter rather than in the text.
    assert _prepared('FROM "assessments_brand" WHERE "assessments_brand"."slug" = $1') == 1


def test_more_values_than_the_protocol_can_bind_are_sent_in_the_text():
    brands = BrandFactory.create_batch(2)
    ids = [brand.pk for brand in brands] + list(range(-MAX_BOUND_PARAMETERS - 10, 0))
    assert len(ids) > MAX_BOUND_PARAMETERS
    assert set(Brand.objects.filter(pk__in=ids).values_list("pk", flat=True)) == {
        brand.pk for brand in brands
    }
    assert Assessment.objects.filter(brand_id__in=ids).count() == 0


def test_a_value_that_looks_like_a_placeholder_stays_a_value():
    # Bound on the client, a value is quoted into the text: a %s or $1 in it is data.
    brand = BrandFactory(name="100%s $1 'quoted'")
    ids = [brand.pk, *range(-MAX_BOUND_PARAMETERS - 1, 0)]
    assert list(
        Brand.objects.filter(pk__in=ids, name="100%s $1 'quoted'").values_list("pk", flat=True)
    ) == [brand.pk]


# --- timestamps read by psycopg's C loader ------------------------------------------------------

TIMES = [
    datetime(2026, 12, 1, 23, 4, 6, 461123, tzinfo=UTC),
    datetime(2026, 6, 30, 12, 0, 0, 460000, tzinfo=UTC),  # PostgreSQL writes .46
    datetime(2026, 1, 1, tzinfo=UTC),  # no fraction at all
    datetime(1, 1, 1, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
]


def _read(cursor) -> list[datetime]:
    cursor.execute("SELECT unnest(%s::timestamptz[]) ORDER BY 1", [TIMES])
    return [value for (value,) in cursor.fetchall()]


def _c_loaded(loader: object) -> bool:
    return type(getattr(getattr(loader, "load", None), "__self__", None)) is _C_TIMESTAMPTZ_LOADER


def test_timestamps_are_read_in_c_and_equal_to_what_djangos_loader_reads():
    connection.ensure_connection()
    raw = connection.connection
    assert raw.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT) is UtcTimestamptzLoader
    assert _c_loaded(UtcTimestamptzLoader(TIMESTAMPTZ_OID, raw))
    with connection.cursor() as cursor:
        ours = _read(cursor)
    djangos = raw.cursor()
    register_tzloader(UTC, djangos)  # Django's own, for this cursor only
    assert ours == _read(djangos) == sorted(TIMES)
    assert {value.tzinfo for value in ours} == {UTC}  # as Django's: no zoneinfo object


def test_a_model_keeps_its_times_to_the_microsecond():
    brand = BrandFactory()
    for value in TIMES[:3]:
        Brand.objects.filter(pk=brand.pk).update(created_at=value)
        assert Brand.objects.values_list("created_at", flat=True).get(pk=brand.pk) == value


def test_a_session_in_another_time_zone_keeps_djangos_loader():
    # Django's loader labels the session's clock time UTC, right only on a UTC session; the C
    # loader would give that session's zone instead, so it is not used there.
    params = connection.get_connection_params()
    address = {key: params[key] for key in ("dbname", "user", "host", "port") if key in params}
    with psycopg.connect(**address) as raw:
        raw.execute("SET TimeZone = 'Asia/Shanghai'")
        ours, djangos = (
            UtcTimestamptzLoader(TIMESTAMPTZ_OID, raw),
            BaseTzLoader(TIMESTAMPTZ_OID, raw),
        )
        djangos.timezone = UTC
        assert not _c_loaded(ours)
        value = b"2026-12-01 08:00:00+08"
        assert ours.load(value) == djangos.load(value)
