"""PostgreSQL with prepared statements (readiness/db.py): planned once, and no size limit."""

from __future__ import annotations

import pytest
from django.db import connection

from assessments.models import Assessment, Brand
from assessments.tests.factories import BrandFactory
from conftest import require
from readiness.db import MAX_BOUND_PARAMETERS

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
