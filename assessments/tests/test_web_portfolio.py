"""The portfolio page: a viewer's brands ranked within their category, filters and downloads."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from assessments import actions
from assessments.models import Category
from assessments.tests.factories import BrandFactory, consultant_for, manager_of, scored_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(beauty, django_capture_on_commit_callbacks):
    """A consultant serving three beauty brands and one CPG brand; another brand they do not."""
    capture = django_capture_on_commit_callbacks
    cpg = Category.objects.get(slug="cpg")
    brands = {
        "low": BrandFactory(name="Low Beauty"),
        "high": BrandFactory(name="High Beauty"),
        "mid": BrandFactory(name="Mid Beauty"),
        "food": BrandFactory(name="Food Co"),
    }
    other = BrandFactory(name="Not Served")
    consultant = consultant_for(*brands.values(), username="mei")
    for key, category, maturities in [
        ("low", beauty, [0.2]),
        ("high", beauty, [0.4, 0.9]),
        ("mid", beauty, [0.5]),
        ("food", cpg, [0.6]),
    ]:
        for maturity in maturities:
            scored_assessment(
                brand=brands[key], category=category, maturity=maturity, capture=capture
            )
    scored_assessment(brand=other, category=beauty, maturity=1.0, capture=capture)
    return consultant, brands


def rows_of(client, query: str = "") -> list[list[str]]:
    response = client.get(f"/portfolio.csv{query}")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))[1:]


def test_brands_are_ranked_by_index_within_their_category(client, portfolio):
    consultant, _brands = portfolio
    client.force_login(consultant)
    rows = rows_of(client)
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("Beauty", "1", "High Beauty"),
        ("Beauty", "2", "Mid Beauty"),
        ("Beauty", "3", "Low Beauty"),
        ("CPG (consumer packaged goods)", "1", "Food Co"),
    ]
    page = client.get("/portfolio/").content.decode()
    assert "Not Served" not in page  # never a brand they do not serve, not even in a rank
    assert '<svg class="sparkline"' in page


def test_a_row_shows_change_trend_actions_and_last_assessed(client, portfolio):
    consultant, brands = portfolio
    past = datetime.date.today() - datetime.timedelta(days=2)
    fields = {"practice_key": "messaging-account"}
    actions.action_create(
        brand=brands["high"], user=consultant, fields={**fields, "due_date": past}
    )
    actions.action_create(brand=brands["high"], user=consultant, fields=fields)
    actions.action_create(
        brand=brands["high"], user=consultant, fields={**fields, "status": "done"}
    )
    client.force_login(consultant)
    high = next(r for r in rows_of(client) if r[2] == "High Beauty")
    trend = [float(v) for v in high[10].split("; ")]
    assert len(trend) == 2 and float(high[6]) == pytest.approx(trend[1] - trend[0], abs=0.11)
    assert (high[7], high[8]) == ("2", "1")  # open, overdue
    assert high[9] == datetime.date.today().isoformat()


def test_the_filters_keep_each_brands_rank_in_its_category(client, portfolio):
    consultant, _brands = portfolio
    client.force_login(consultant)
    assert [r[2] for r in rows_of(client, "?category=cpg")] == ["Food Co"]
    lagging = rows_of(client, "?tier=lagging")
    assert lagging and all(r[5] == "Lagging" for r in lagging)
    assert [r[1] for r in lagging if r[2] == "Low Beauty"] == ["3"]


def test_a_manager_sees_only_their_own_brand(client, portfolio):
    _consultant, brands = portfolio
    client.force_login(manager_of(brands["mid"]))
    rows = rows_of(client)
    assert [(r[1], r[2]) for r in rows] == [("1", "Mid Beauty")]


def test_the_xlsx_holds_the_same_rows_as_the_csv(client, portfolio):
    consultant, _brands = portfolio
    client.force_login(consultant)
    response = client.get("/portfolio.xlsx?category=beauty")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [r[2] for r in rows_of(client, "?category=beauty")]


def test_the_page_takes_the_same_queries_for_few_or_many_brands(
    client, beauty, django_capture_on_commit_callbacks
):
    consultant = consultant_for(username="many")
    from assessments.models import Membership

    def serve(count: int) -> None:
        for _ in range(count):
            brand = BrandFactory()
            Membership.objects.create(user=consultant, brand=brand, role="consultant")
            scored_assessment(
                brand=brand,
                category=beauty,
                maturity=0.5,
                capture=django_capture_on_commit_callbacks,
            )
            actions.action_create(
                brand=brand, user=consultant, fields={"practice_key": "messaging-account"}
            )

    client.force_login(consultant)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/portfolio/").status_code == 200
        return len(ctx)

    serve(2)
    few = queries()
    serve(5)
    assert queries() == few
