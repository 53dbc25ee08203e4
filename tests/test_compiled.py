"""A queryset compiled once and run with each call's values (readiness/compiled.py): the same
instances as the ORM's, compiled once per key, and refused where a value shapes the SQL."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from assessments.models import Assessment
from assessments.tests.factories import AssessmentFactory, BrandFactory
from readiness.compiled import CompiledRead, NotCompilable

pytestmark = pytest.mark.django_db


def _of_brand(key: str, *, brand_id: int, pk: int):
    queryset = Assessment.objects.select_related("brand", "category").filter(brand_id=brand_id)
    return queryset.filter(pk=pk) if key == "one" else queryset.filter(pk__gt=pk).order_by("pk")


def test_each_call_reads_the_rows_of_its_own_values_as_the_orm_does():
    brands = BrandFactory.create_batch(2)
    mine = [AssessmentFactory(brand=brands[0]) for _ in range(3)]
    theirs = AssessmentFactory(brand=brands[1])
    read = CompiledRead(_of_brand, "brand_id", "pk")

    for assessment in mine:
        [found] = read.read("one", brand_id=brands[0].pk, pk=assessment.pk)
        expected = Assessment.objects.get(pk=assessment.pk)
        assert found.pk == assessment.pk
        assert {f.attname: getattr(found, f.attname) for f in Assessment._meta.concrete_fields} == {
            f.attname: getattr(expected, f.attname) for f in Assessment._meta.concrete_fields
        }
        with CaptureQueriesContext(connection) as queries:
            assert found.brand == brands[0] and found.category.pk == expected.category_id
        assert len(queries) == 0  # the select_related relations came with the row
        assert found._state.adding is False  # saved rows, as the ORM makes them

    assert read.read("one", brand_id=brands[0].pk, pk=theirs.pk) == []  # not of that brand
    listed = read.read("after", brand_id=brands[0].pk, pk=0)
    assert [a.pk for a in listed] == sorted(a.pk for a in mine)


def test_a_key_is_compiled_once_and_each_call_is_one_query():
    brand = BrandFactory()
    assessments = AssessmentFactory.create_batch(3, brand=brand)
    read = CompiledRead(_of_brand, "brand_id", "pk")
    compiles = mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
    )
    with compiles as as_sql, CaptureQueriesContext(connection) as queries:
        for assessment in assessments * 3:
            assert read.read("one", brand_id=brand.pk, pk=assessment.pk)[0].pk == assessment.pk
    assert as_sql.call_count == 2  # the two stand-in sets of the first call, then none
    assert len(queries) == 9


def test_values_rows_a_window_of_them_and_a_capped_count():
    brand = BrandFactory()
    ids = sorted(a.pk for a in AssessmentFactory.create_batch(5, brand=brand))
    read = CompiledRead(
        lambda key, *, brand_id: (
            Assessment.objects.filter(brand_id=brand_id)
            .order_by("pk")
            .values("pk", "brand__slug", "created_at")
        ),
        "brand_id",
    )
    expected = list(
        Assessment.objects.filter(brand_id=brand.pk)
        .order_by("pk")
        .values("pk", "brand__slug", "created_at")
    )
    assert read.read("all", brand_id=brand.pk) == expected  # the ORM's dicts, converted alike
    assert [row["pk"] for row in read.read("all", window=(1, 3), brand_id=brand.pk)] == ids[1:4]
    assert read.read("all", window=(5, 3), brand_id=brand.pk) == []  # past the end
    assert read.count("all", cap=3, brand_id=brand.pk) == 3
    assert read.count("all", cap=50, brand_id=brand.pk) == 5
    assert read.count("all", cap=50, brand_id=BrandFactory().pk) == 0


def test_a_sliced_queryset_is_refused_a_window_is_read_instead():
    read = CompiledRead(lambda key, *, pk: Assessment.objects.filter(pk__gt=pk)[:10], "pk")
    with pytest.raises(NotCompilable, match="sliced"):
        read.read("key", pk=0)


@pytest.mark.parametrize(
    "build",
    [
        # A value that picks the query's shape.
        lambda key, *, pk: Assessment.objects.filter(
            **{"pk" if pk > -7_500_000_000 else "id": pk}
        ).select_related(*(["brand"] if pk > -7_500_000_000 else [])),
        # A value compiled into the SQL's text, not bound (LIMIT).
        lambda key, *, pk: Assessment.objects.all()[: 1 + -pk % 3],
        # A value bound after arithmetic: not the stand-in, so not the call's value.
        lambda key, *, pk: Assessment.objects.filter(version=pk + 1),
    ],
    ids=["shape", "inlined", "derived"],
)
def test_a_value_that_shapes_the_sql_is_refused_not_guessed(build):
    with pytest.raises(NotCompilable):
        CompiledRead(build, "pk").read("key", pk=1)


def test_a_slot_the_sql_does_not_bind_is_refused_not_dropped():
    # As an access rule that forgot its reader would be: every row for everyone.
    read = CompiledRead(
        lambda key, *, user_id, pk: Assessment.objects.filter(pk=pk), "user_id", "pk"
    )
    with pytest.raises(NotCompilable, match="user_id"):
        read.read("key", user_id=1, pk=1)
