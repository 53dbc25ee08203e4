"""What a manager sees after submitting: dashboard, status, the report and its downloads."""

from __future__ import annotations

import csv
import io
import re

import pytest
from pypdf import PdfReader

from assessments.core.presentation import index_text
from assessments.models import Assessment
from assessments.report_data import report_for
from assessments.tests.factories import (
    AssessmentFactory,
    BrandFactory,
    consultant_for,
    manager_of,
    scored_assessment,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(spec, beauty, manager, django_capture_on_commit_callbacks):
    """Score a new assessment of a brand at a maturity, in-process."""

    def make(brand, maturity=0.5) -> Assessment:
        return scored_assessment(
            brand=brand,
            category=beauty,
            maturity=maturity,
            capture=django_capture_on_commit_callbacks,
            user=manager,
        )

    return make


def report_url(a, suffix="/"):
    return f"/assessments/{a.pk}/report{suffix}"


def test_the_dashboard_lists_the_managers_brands_with_their_assessments(
    client, brand, manager, scored
):
    done = scored(brand)
    AssessmentFactory(brand=brand, created_by=manager)
    BrandFactory(name="Somebody Else")
    client.force_login(manager)
    html = client.get("/").content.decode()
    assert "Lotus Skin" in html and "Somebody Else" not in html
    assert "Start an assessment" in html
    assert (
        f"<strong>{index_text(done.result.readiness_index)}</strong> {done.result.tier_name}"
        in html
    )
    assert "0 of 30 answered" in html
    assert "Continue" in html and "View report" in html


def test_consultants_see_reports_on_the_dashboard_but_start_nothing(client, brand, scored):
    scored(brand)
    client.force_login(consultant_for(brand))
    html = client.get("/").content.decode()
    assert "View report" in html
    assert "Start an assessment" not in html
    assert client.get("/assessments/new/").status_code == 302


def test_the_dashboard_is_read_in_a_fixed_number_of_queries(
    client, brand, manager, scored, django_assert_num_queries
):
    client.force_login(manager)
    scored(brand)
    # session, user, brands, assessments (with answered and asked counts)
    with django_assert_num_queries(4):
        client.get("/")
    second = BrandFactory(default_category=brand.default_category)
    manager.memberships.create(brand=second, role="manager")
    for _ in range(3):
        scored(second, 0.3)
        AssessmentFactory(brand=second, created_by=manager)
    with django_assert_num_queries(4):
        assert client.get("/").content.decode().count("View report") == 4


def test_the_report_page_shows_index_tier_chart_pillars_and_cited_recommendations(
    client, brand, manager, scored
):
    a = scored(brand)
    report = report_for(a)
    client.force_login(manager)
    html = client.get(report_url(a)).content.decode()
    assert f'<span class="index-value">{index_text(report.readiness_index)}</span>' in html
    assert report.tier_summary.replace("'", "&#x27;") in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="radar"' in html
    assert "China benchmark, Beauty" in html
    for pillar in report.pillars:
        assert f'<th scope="row">{pillar.name}</th>' in html
    first = report.recommendations[0]
    assert first.title in html
    evidence = first.evidence[0]
    assert f"<cite>{evidence.publisher}, ".replace("'", "&#x27;") in html
    assert f"({evidence.year}, " in html
    assert f"edition “{report.edition_label}”" in html
    assert report.context[0].statement in html
    assert "@media print" in client.get("/static/css/site.css").getvalue().decode()


def test_the_report_marks_benchmarks_estimated_from_other_categories(
    client, brand, manager, scored
):
    a = scored(brand, 0.1)
    fallbacks = [r for r in report_for(a).recommendations if r.basis == "other_categories"]
    assert fallbacks, "the first edition has Beauty practices without a Beauty figure"
    client.force_login(manager)
    html = client.get(report_url(a)).content.decode()
    assert "Benchmark estimated from other categories." in html


def test_the_report_shows_the_change_since_the_previous_assessment(client, brand, manager, scored):
    scored(brand, 0.2)
    later = scored(brand, 0.6)
    client.force_login(manager)
    html = client.get(report_url(later)).content.decode()
    assert "Change since" in html
    assert "Since your previous assessment" in html
    change = report_for(later).pillars[0].change
    assert f'data-label="Change">+{change:.0f}</td>' in html


@pytest.mark.parametrize("maturity", [0.1, 0.9])
def test_the_report_page_is_read_in_a_fixed_number_of_queries(
    client, brand, manager, scored, maturity, django_assert_num_queries
):
    client.force_login(manager)
    first = scored(brand, maturity)
    # session, user, assessment + pillars + recommendations, previous, percentile, context,
    # the answers the plan to the next tier starts from, and the actions marked done
    with django_assert_num_queries(10):
        client.get(report_url(first))
    second = scored(brand, maturity)
    # the same: the previous assessment comes with its pillars, in one query
    with django_assert_num_queries(10):
        client.get(report_url(second))


def test_consultants_read_the_reports_of_brands_they_serve(client, brand, scored):
    a = scored(brand)
    client.force_login(consultant_for(brand))
    assert client.get(report_url(a)).status_code == 200
    assert client.get(report_url(a, ".csv")).status_code == 200


def test_nobody_reads_another_brands_report(client, brand, scored):
    a = scored(brand)
    client.force_login(manager_of(BrandFactory()))
    for suffix in ["/", ".pdf", ".csv"]:
        assert client.get(report_url(a, suffix)).status_code == 404
    assert client.get(f"/assessments/{a.pk}/status.json").status_code == 404


def test_the_pdf_download_holds_the_index_and_the_first_recommendation(
    client, brand, manager, scored
):
    a = scored(brand)
    report = report_for(a)
    client.force_login(manager)
    response = client.get(report_url(a, ".pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert "attachment;" in response["Content-Disposition"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert f"Readiness index {index_text(report.readiness_index)}" in text
    assert report.recommendations[0].title in text


def test_the_csv_download_holds_the_pillars(client, brand, manager, scored):
    a = scored(brand)
    client.force_login(manager)
    response = client.get(report_url(a, ".csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [r[1] for r in rows if r[0] == "pillar"] == [p.name for p in report_for(a).pillars]


def test_the_report_of_an_unscored_assessment_leads_to_its_status(client, brand, manager):
    a = AssessmentFactory(brand=brand, status=Assessment.Status.SUBMITTED)
    client.force_login(manager)
    assert client.get(report_url(a)).url == f"/assessments/{a.pk}/status/"


def test_the_status_page_follows_scoring_by_itself(client, brand, manager):
    a = AssessmentFactory(brand=brand, status=Assessment.Status.SCORING)
    client.force_login(manager)
    html = client.get(f"/assessments/{a.pk}/status/").content.decode()
    assert f'data-status-url="/assessments/{a.pk}/status.json"' in html
    assert "js/status.js" in html
    assert '<noscript><meta http-equiv="refresh"' in html
    state = client.get(f"/assessments/{a.pk}/status.json").json()
    assert state["ready"] is False and state["report_url"] is None


def test_the_status_says_plainly_that_scoring_failed_without_the_admins_reason(
    client, brand, manager
):
    a = AssessmentFactory(
        brand=brand, status=Assessment.Status.FAILED, failure_reason="KeyError: 'secret-internal'"
    )
    client.force_login(manager)
    html = client.get(f"/assessments/{a.pk}/status/").content.decode()
    assert "Scoring failed" in html
    assert "admins have been told" in html
    assert "secret-internal" not in html
    state = client.get(f"/assessments/{a.pk}/status.json").json()
    assert state["failed"] is True
    assert "secret-internal" not in str(state)


def test_the_status_json_points_to_the_report_once_scored(client, brand, manager, scored):
    a = scored(brand)
    client.force_login(manager)
    state = client.get(f"/assessments/{a.pk}/status.json").json()
    assert state == state | {"ready": True, "report_url": report_url(a)}


def test_logging_in_and_out(client, manager):
    page = client.get("/login/").content.decode()
    assert '<label for="id_username">' in page
    response = client.post(
        "/login/", {"username": manager.username, "password": "correct-horse-battery"}
    )
    assert response.url == "/"
    assert client.post("/logout/").url == "/login/"
    assert client.get("/").status_code == 302


def test_pages_use_no_asset_from_outside(client, brand, manager, scored):
    a = scored(brand)
    client.force_login(manager)
    for url in ["/", report_url(a), "/login/"]:
        html = client.get(url).content.decode()
        links = re.findall(r'(?:src|href)="([^"]*)"', html)
        assert links and all(link.startswith(("/", "#")) for link in links), links
        assert not any(link.startswith("//") for link in links)
        assert "@import" not in html and "url(http" not in html
