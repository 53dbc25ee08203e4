from __future__ import annotations

import csv
import io

import pytest
from pypdf import PdfReader

from assessments.core.presentation import index_text
from assessments.downloads import report_csv, report_pdf
from assessments.models import Assessment
from assessments.report_data import MIN_PEER_BRANDS, report_for
from assessments.tests.factories import BrandFactory, scored_assessment

pytestmark = pytest.mark.django_db


def scored(spec, brand, maturity, category, capture) -> Assessment:
    return scored_assessment(brand=brand, category=category, maturity=maturity, capture=capture)


def test_the_report_shows_the_change_per_pillar_since_the_previous_assessment(
    spec, beauty, django_capture_on_commit_callbacks
):
    brand = BrandFactory()
    before = scored(spec, brand, 0.25, beauty, django_capture_on_commit_callbacks)
    after = scored(spec, brand, 0.75, beauty, django_capture_on_commit_callbacks)
    report = report_for(after)
    assert report.previous.assessment_id == before.pk
    old = {p.key: p.score for p in before.result.pillars.all()}
    for row in report.pillars:
        assert row.change == pytest.approx(row.score - old[row.key])
        assert row.change > 0
    assert report.index_change > 0
    assert report_for(before).previous is None


@pytest.mark.parametrize("maturity", [0.1, 0.9])
def test_the_report_is_read_in_a_fixed_number_of_queries_whatever_its_size(
    spec, beauty, maturity, django_assert_num_queries, django_capture_on_commit_callbacks
):
    brand = BrandFactory()
    first = scored(spec, brand, maturity, beauty, django_capture_on_commit_callbacks)
    # assessment with its result, pillars, recommendations; previous; percentile; context
    with django_assert_num_queries(6):
        report_for(Assessment.objects.with_report().get(pk=first.pk))
    second = scored(spec, brand, maturity, beauty, django_capture_on_commit_callbacks)
    # the same: the previous assessment comes with its pillars, in one query
    with django_assert_num_queries(6):
        report_for(Assessment.objects.with_report().get(pk=second.pk))


def test_the_percentile_stays_hidden_until_five_other_brands_are_scored(
    spec, beauty, django_capture_on_commit_callbacks
):
    mine = scored(spec, BrandFactory(), 0.5, beauty, django_capture_on_commit_callbacks)
    maturities = [0.1, 0.2, 0.3, 0.9, 1.0]
    for maturity in maturities[: MIN_PEER_BRANDS - 1]:
        scored(spec, BrandFactory(), maturity, beauty, django_capture_on_commit_callbacks)
    assert report_for(mine).percentile is None
    scored(spec, BrandFactory(), maturities[-1], beauty, django_capture_on_commit_callbacks)
    # Beats 0.1, 0.2, 0.3 of five peers.
    assert report_for(mine).percentile == pytest.approx(60.0)


def test_the_csv_holds_the_index_the_pillars_and_the_recommendations(scored_assessment):
    report = report_for(Assessment.objects.with_report().get(pk=scored_assessment.pk))
    rows = list(csv.reader(io.StringIO(report_csv(report))))
    index_row = next(r for r in rows if r[1] == "readiness index")
    # The report's one rounding rule: one decimal, rounded down (never above the tier's range).
    assert index_row[2] == index_text(report.readiness_index)
    assert [r[1] for r in rows if r[0] == "pillar"] == [p.name for p in report.pillars]
    first = next(r for r in rows if r[0].startswith("recommendation"))
    assert first[1] == report.recommendations[0].title
    assert str(report.recommendations[0].evidence[0].publisher) in first[6]


def test_the_pdf_holds_the_index_and_the_first_recommendation(scored_assessment):
    report = report_for(Assessment.objects.with_report().get(pk=scored_assessment.pk))
    pdf = report_pdf(report)
    assert pdf.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert f"Readiness index {report.readiness_index:.0f}" in text
    assert report.recommendations[0].title in text


def test_the_previous_assessment_read_in_sql_is_the_one_the_orm_reads(
    spec, beauty, django_capture_on_commit_callbacks
):
    from django.db import connection

    from assessments import report_data
    from conftest import require

    require(connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database")
    brand = BrandFactory()
    scored(spec, BrandFactory(), 0.5, beauty, django_capture_on_commit_callbacks)  # another brand
    chain = [
        scored(spec, brand, m, beauty, django_capture_on_commit_callbacks) for m in (0.2, 0.6, 0.9)
    ]
    for assessment in chain:
        sql = sorted(report_data._previous_rows_sql(assessment), key=repr)
        assert sql == sorted(report_data._previous_rows(assessment), key=repr)
    assert report_data._previous_rows_sql(chain[0]) == []
    assert {row[0] for row in report_data._previous_rows_sql(chain[2])} == {chain[1].pk}
    assert len(report_data._previous_rows_sql(chain[2])) == chain[1].result.pillars.count()
