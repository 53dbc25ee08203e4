"""The "Reach <tier>" section of the report page and of its PDF."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from assessments.core.planner import plan, resolve_target
from assessments.core.scoring import score
from assessments.edition_specs import edition_spec
from assessments.plans import assessment_plan
from assessments.services import assessment_answers
from assessments.tests.factories import scored_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(spec, beauty, manager, django_capture_on_commit_callbacks):
    def make(brand, maturity=0.5):
        return scored_assessment(
            brand=brand,
            category=beauty,
            maturity=maturity,
            capture=django_capture_on_commit_callbacks,
            user=manager,
        )

    return make


def page(client, a, query: str = "") -> str:
    response = client.get(f"/assessments/{a.pk}/report/{query}")
    assert response.status_code == 200
    return response.content.decode()


def plan_part(html: str) -> str:
    return html[html.index('<section class="plan"') :].split("</section>", 1)[0]


def test_the_report_plans_to_the_next_tier_by_default(client, brand, manager, scored):
    a = scored(brand, 0.3)  # Lagging: the next tier is Developing (70)
    client.force_login(manager)
    part = plan_part(page(client, a))
    assert "Reach Developing" in part
    assert '<option value="developing" selected>' in part
    found = assessment_plan(assessment=a)
    assert found.target == "developing" and found.reachable
    for action in found.actions:
        assert action.title in part
    assert f"Your index would be <strong>{found.projected_index:.0f}</strong>" in part
    # A template comment that spans lines is not one in Django: it would show as text.
    assert "{#" not in page(client, a) and "#}" not in page(client, a)


def test_any_higher_tier_can_be_chosen_but_no_lower_one(client, brand, manager, scored):
    a = scored(brand, 0.3)
    client.force_login(manager)
    part = plan_part(page(client, a, "?target=advanced"))
    assert "Reach Advanced" in part
    assert '<option value="advanced" selected>' in part
    options = re.findall(r'<option value="([\w-]+)"', part)
    assert options == ["developing", "on-par", "advanced", "leader"]
    advanced = assessment_plan(assessment=a, target="advanced")
    assert advanced.total_effort > assessment_plan(assessment=a).total_effort


def test_a_bad_target_in_the_address_shows_why_and_the_default_plan(client, brand, manager, scored):
    a = scored(brand, 0.3)
    client.force_login(manager)
    part = plan_part(page(client, a, "?target=genius"))
    assert 'role="alert"' in part and "“genius” is neither a tier" in part
    assert "Reach Developing" in part


def test_the_plan_on_the_page_is_the_planners_on_the_stored_answers(brand, scored):
    a = scored(brand, 0.3)
    spec = edition_spec(a.result.edition_id)
    card = score(spec, "beauty", assessment_answers(a))
    assert card.index == pytest.approx(a.result.readiness_index)
    expected = plan(card, spec, resolve_target(spec, "leader"))
    found = assessment_plan(assessment=a, target="leader")
    assert [r.practice_key for r in found.actions] == [x.practice_key for x in expected.actions]
    assert found.projected_index == expected.projected_index


def test_a_brand_in_the_top_tier_is_told_so(client, brand, manager, scored):
    a = scored(brand, 1.0)
    client.force_login(manager)
    part = plan_part(page(client, a))
    assert "You are in the top tier" in part
    assert "<select" not in part


def test_the_pdf_has_a_reach_the_next_tier_section(client, brand, manager, scored):
    a = scored(brand, 0.3)
    client.force_login(manager)
    response = client.get(f"/assessments/{a.pk}/report.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Reach Developing" in text
    first = assessment_plan(assessment=a).actions[0]
    assert first.title in text
    # Its evidence names who published it, not an empty source ("(, 2017)").
    assert first.evidence and first.evidence[0].publisher.split()[0] in text
    assert "(, " not in text
