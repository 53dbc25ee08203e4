"""The unfiltered list read from SQL compiled once (api/listing.py): the same pages, counts and
scopes as the list the FilterSet builds, for every role, and compiled once."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from api.pagination import CappedCountPaginator
from assessments.models import Assessment, Membership, Tier
from assessments.tests.factories import AssessmentFactory, MembershipFactory

ASSESSMENTS = "/api/v1/assessments/"
# A filter that changes nothing (the default order): the list is built by its FilterSet.
THE_SAME_ORDER = "ordering=-created_at"


def page(client, query: str) -> dict:
    response = client.get(f"{ASSESSMENTS}?{query}", HTTP_CACHE_CONTROL="no-cache")
    assert response.status_code == 200, response.content
    body = response.json()
    return {key: body[key] for key in ("count", "count_capped", "results")}


@pytest.fixture
def many(own_brand, foreign_brand, make_scored):
    """Scored and draft assessments of both brands, two of them created in the same instant."""
    scored = [make_scored(brand, m) for brand in (own_brand, foreign_brand) for m in (0.2, 0.7)]
    drafts = [AssessmentFactory(brand=brand) for brand in (own_brand, foreign_brand)]
    AssessmentFactory._meta.model.objects.filter(pk=scored[1].pk).update(
        created_at=scored[0].created_at
    )
    return [*scored, *drafts]


@pytest.mark.parametrize("role", ["consultant", "manager", "admin", "outsider"])
def test_every_page_is_the_one_the_filtered_list_gives(clients, many, role, monkeypatch):
    client = clients[role]
    monkeypatch.setattr(CappedCountPaginator, "limit", 5)  # fewer rows than match: capped
    for size in (1, 2, 50):
        for number in range(1, 7):
            query = f"page_size={size}&page={number}"
            expected = client.get(f"{ASSESSMENTS}?{query}&{THE_SAME_ORDER}")
            found = client.get(f"{ASSESSMENTS}?{query}", HTTP_CACHE_CONTROL="no-cache")
            assert found.status_code == expected.status_code  # a page past the end: 404 both
            if found.status_code == 200:
                assert page(client, query) == page(client, f"{query}&{THE_SAME_ORDER}")
    everything = page(clients[role], "page_size=50")
    assert everything["count"] == {"consultant": 3, "manager": 3, "admin": 5, "outsider": 0}[role]
    assert everything["count_capped"] is (role == "admin")  # 6 rows, counted up to 5


def test_a_reader_sees_only_the_brands_they_serve(clients, many, own_brand):
    rows = page(clients["consultant"], "page_size=50")["results"]
    assert {row["brand"]["slug"] for row in rows} == {own_brand.slug}
    assert page(clients["outsider"], "page_size=50")["results"] == []


def test_the_lists_queries_are_compiled_once_and_stay_two(clients, many):
    for role in ("consultant", "admin"):
        page(clients[role], "page_size=2")  # compiled here
    compiles = mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
    )
    with compiles as as_sql, CaptureQueriesContext(connection) as queries:
        for number in (1, 2, 3):
            page(clients["consultant"], f"page_size=2&page={min(number, 2)}")
            page(clients["admin"], f"page_size=2&page={number}")
    compiled = {call.args[0].query.model.__name__ for call in as_sql.call_args_list}
    assert not compiled & {"Assessment", "Brand"}, compiled
    # Count and page: the consultant's brands were read on the first page, and nothing written
    # since could change them; an admin's list shows every brand.
    assert len(queries) == 2 * 3 + 2 * 3


def test_a_readers_brands_are_read_again_once_a_membership_changes(clients, consultant, many):
    client = clients["consultant"]
    before = {row["brand"]["slug"] for row in page(client, "page_size=50")["results"]}
    joined = MembershipFactory(user=consultant, role=Membership.Role.CONSULTANT).brand
    AssessmentFactory(brand=joined)
    with CaptureQueriesContext(connection) as queries:
        after = {row["brand"]["slug"] for row in page(client, "page_size=50")["results"]}
    assert after == before | {joined.slug}
    # The token again (its cached lookup is stale too), the brands again, count and page.
    brands_read = [q for q in queries if q["sql"].startswith('SELECT DISTINCT "assessments_brand"')]
    assert len(brands_read) == 1 and len(queries) == 4


def test_tier_names_in_chinese_are_read_once_until_one_is_corrected(clients, many):
    client = clients["consultant"]

    def tier_names() -> set[str]:
        response = client.get(
            f"{ASSESSMENTS}?page_size=50",
            HTTP_CACHE_CONTROL="no-cache",
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
        return {row["tier"]["name"] for row in response.json()["results"] if row["tier"]}

    shown = tier_names()
    with CaptureQueriesContext(connection) as queries:
        assert tier_names() == shown
    assert not [q for q in queries if '"assessments_tier"' in q["sql"]]
    assert len(queries) == 2  # count and page
    scored = Assessment.objects.filter(result__isnull=False, brand__slug=many[0].brand.slug)
    result = scored.select_related("result").first().result
    Tier.objects.filter(edition_id=result.edition_id, key=result.tier_key).update(
        name_zh_hans="更正后的名称"
    )
    assert "更正后的名称" in tier_names()
