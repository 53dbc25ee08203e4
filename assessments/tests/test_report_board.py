"""The report fit for a board: executive summary first, one rounding rule, exports that open.

The PDF is read back (pypdf) as a reader would see it; the XLSX is opened with openpyxl and
compared figure by figure with the JSON report of the API.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from api.serializers import ReportSerializer
from assessments.core.presentation import index_text, shown_index
from assessments.core.scoring import _tier_for
from assessments.core.specs import TierSpec
from assessments.report_data import report_for
from assessments.tests.factories import scored_assessment

SEED = Path(__file__).resolve().parent.parent / "seed" / "first_edition.json"
TIERS = tuple(
    TierSpec(t["key"], t["name"], t["min_index"], t["summary"])
    for t in json.loads(SEED.read_text())["tiers"]
)


def _just_below(m: float) -> list[float]:
    return [math.nextafter(m, -math.inf), m - 0.01, m - 0.04, m - 0.05, m - 0.099]


@pytest.mark.parametrize("tier", TIERS, ids=lambda t: t.key)
def test_the_shown_index_never_disagrees_with_the_tier_at_any_tier_boundary(tier):
    for index in [tier.min_index, tier.min_index + 0.04, tier.min_index + 0.099]:
        assert _tier_for(TIERS, index).key == tier.key
        assert shown_index(index) >= tier.min_index
    if tier.min_index == 0:
        return
    for index in _just_below(tier.min_index):
        assert _tier_for(TIERS, index).key != tier.key
        assert shown_index(index) < tier.min_index, index  # 69.96 shows 69.9, never 70


def test_the_index_is_shown_to_one_decimal_rounded_down():
    assert index_text(69.7) == "69.7"
    assert index_text(69.96) == "69.9"
    assert index_text(70.0) == "70.0"
    assert index_text(70.3) == "70.3"  # not 70.2 through binary representation
    assert index_text(None) == ""


pytestmark_db = pytest.mark.django_db


@pytest.fixture
def scored(spec, beauty, brand, manager, django_capture_on_commit_callbacks):
    return scored_assessment(
        brand=brand,
        category=beauty,
        maturity=0.35,
        capture=django_capture_on_commit_callbacks,
        user=manager,
    )


@pytest.fixture
def web(client, manager):
    client.force_login(manager)
    return client


@pytestmark_db
def test_the_report_opens_with_the_executive_summary(web, scored):
    report = report_for(scored)
    html = web.get(f"/assessments/{scored.pk}/report/").content.decode()
    summary = html.index("Executive summary")
    assert summary < html.index("Pillar by pillar") < html.index("What to do next")
    assert f'<span class="index-value">{index_text(report.readiness_index)}</span>' in html
    top = sorted(report.recommendations, key=lambda r: -r.expected_gain)[:3]
    block = html[summary : html.index("Pillar by pillar")]
    for r in top:
        assert r.title.en in block
    assert f"Next tier: <strong>{report.next_tier.name.en}</strong>" in block


def _pdf_pages(response) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


@pytestmark_db
@pytest.mark.parametrize("maturity", [0.1, 0.35, 0.8])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_pdf_shows_index_and_tier_on_page_one_and_no_near_empty_page(
    web, spec, beauty, brand, manager, django_capture_on_commit_callbacks, language, maturity
):
    scored = scored_assessment(
        brand=brand,
        category=beauty,
        maturity=maturity,
        capture=django_capture_on_commit_callbacks,
        user=manager,
    )
    report = report_for(scored)
    web.cookies["django_language"] = language
    pages = _pdf_pages(web.get(f"/assessments/{scored.pk}/report.pdf"))
    first = " ".join(pages[0].split())
    tier = report.tier_name.zh if language == "zh-hans" else report.tier_name.en
    assert index_text(report.readiness_index) in first
    assert tier in first
    for number, text in enumerate(pages[:-1], start=1):
        lines = [line for line in text.splitlines() if line.strip()]
        assert len(lines) >= 5, f"page {number} of {len(pages)} holds {len(lines)} lines"


@pytestmark_db
def test_the_csv_download_starts_with_a_byte_order_mark_for_excel(web, scored):
    content = web.get(f"/assessments/{scored.pk}/report.csv").content
    assert content.startswith(b"\xef\xbb\xbf")
    assert "readiness index" in content.decode("utf-8-sig")


@pytestmark_db
def test_the_xlsx_holds_the_same_figures_as_the_json_report(web, scored):
    response = web.get(f"/assessments/{scored.pk}/report.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Pillars", "Recommendations", "Plan", "Context"]
    data = ReportSerializer(report_for(scored)).data
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["readiness index"] == shown_index(data["readiness_index"])
    assert summary["overall score"] == pytest.approx(data["overall"])
    assert summary["benchmark"] == pytest.approx(data["benchmark_overall"])
    pillars = list(book["Pillars"].iter_rows(min_row=2, values_only=True))
    assert [(p[1], p[2]) for p in pillars] == [
        (pytest.approx(p["score"]), pytest.approx(p["benchmark"])) for p in data["pillars"]
    ]
    recs = list(book["Recommendations"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[3]) for r in recs] == [
        (r["rank"], r["bucket"], pytest.approx(r["expected_gain"])) for r in data["recommendations"]
    ]
    assert book["Context"].max_row == len(data["context"]) + 1


@pytestmark_db
def test_the_xlsx_plan_sheet_is_the_plan_to_the_next_tier(web, scored):
    """The same plan the page, the PDF and the API show (one service), as numbers."""
    from assessments.models import Assessment
    from assessments.plans import assessment_plan

    book = load_workbook(io.BytesIO(web.get(f"/assessments/{scored.pk}/report.xlsx").content))
    plan = assessment_plan(assessment=Assessment.objects.with_report().get(pk=scored.pk))
    rows = list(book["Plan"].iter_rows(values_only=True))
    assert rows[0][1] == pytest.approx(plan.target_index)
    assert rows[1][1] == pytest.approx(plan.projected_index)
    assert rows[2][1] == plan.total_effort
    actions = rows[5:]
    assert len(actions) == len(plan.actions) > 0
    assert [(a[3], a[2]) for a in actions] == [
        (pytest.approx(a.gain), pytest.approx(a.to_adoption)) for a in plan.actions
    ]


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


@pytestmark_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_pdf_headline_number_is_drawn_inside_its_box(scored, language):
    """Laid out by WeasyPrint itself: the index's text stays within the coloured box (white on
    white beyond it, the number was invisible)."""
    from django.template.loader import render_to_string
    from django.utils import translation
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string("assessments/report_pdf.html", {"report": report_for(scored)})
    first_page = HTML(string=html).render().pages[0]._page_box
    found = {}
    for box in _boxes(first_page):
        element = getattr(box, "element", None)
        classes = (element.get("class") or "").split() if element is not None else []
        if "index-box" in classes and type(box).__name__ == "BlockBox":
            found["box"] = (box.border_box_x(), box.border_box_x() + box.border_width())
        if "index" in classes and type(box).__name__ == "TextBox":
            found.setdefault("text", []).append((box.position_x, box.position_x + box.width))
    left, right = found["box"]
    assert found["text"], "the index is on page 1"
    for start, end in found["text"]:
        assert left <= start and end <= right, (found, language)
