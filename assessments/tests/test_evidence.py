"""Evidence a consultant can put in front of a client: typed, honestly worded, readable, dated.

Over every surface a reader sees (report page, PDF text, CSV, API JSON, questionnaire step) in
English and Chinese: a consumer figure is never a share of brands, a proxy says so, and no
internal source identifier (the seed files' names) appears.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from api.tests.factories import token_for
from assessments.core import edition_checks as checks
from assessments.core.evidence import POPULATION_KINDS
from assessments.core.scoring import score
from assessments.core.specs import (
    ChoiceSpec,
    CitationSpec,
    EditionSpec,
    PillarSpec,
    PracticeSpec,
    QuestionSpec,
    QuestionType,
    TierSpec,
)
from assessments.models import Assessment, Citation, Edition, Recommendation
from assessments.report_data import report_for
from assessments.tests.factories import AssessmentFactory, manager_of, scored_assessment

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parent.parent / "seed" / "first_edition.json"
FIRST_EDITION = "2017 China benchmark"
# What must never reach a reader: the seed files' names and the words around them.
INTERNAL = re.compile(r"seed \d{3}|\b00[03]_[0-9a-f]{6}|summary article|\.txt\b", re.I)
PROXY_EN = "No published brand figure; proxy: 75% of Chinese internet users"
PROXY_ZH = "暂无已发布的品牌数据；替代指标：75%（中国网民）"


@pytest.fixture
def first_edition(db) -> Edition:
    return Edition.objects.get(label=FIRST_EDITION)


@pytest.fixture
def assessed(first_edition, beauty, django_capture_on_commit_callbacks) -> Assessment:
    """A Beauty brand at mid maturity on the first edition: purchase feedback is recommended."""
    from assessments.tests.factories import BrandFactory

    brand = BrandFactory(name="Lotus Skin", default_category=beauty)
    assessment = scored_assessment(
        brand=brand, category=beauty, maturity=0.5, capture=django_capture_on_commit_callbacks
    )
    assert assessment.result.edition_id == first_edition.pk
    return assessment


def _pages(client, assessment, language: str) -> dict[str, str]:
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    base = f"/assessments/{assessment.pk}/report"
    pdf = PdfReader(io.BytesIO(client.get(f"{base}.pdf").content))
    draft = AssessmentFactory(brand=assessment.brand, category=assessment.category)
    return {
        "page": client.get(f"{base}/").content.decode(),
        "pdf": " ".join(p.extract_text() for p in pdf.pages),
        "csv": client.get(f"{base}.csv").content.decode("utf-8-sig"),
        "step": client.get(f"/assessments/{draft.pk}/steps/ugc/").content.decode(),
    }


def _api(user, path: str, language: str = "en") -> dict:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.content
    return response.json()


# --- the 2017 edition after the migrations ----------------------------------------------------


def test_the_first_editions_consumer_and_trade_shares_are_marked_proxies(first_edition):
    shares = Citation.objects.filter(
        practice__edition=first_edition, use="benchmark", percent__isnull=False
    )
    proxies = {c.practice.key: (c.population_kind, float(c.percent)) for c in shares if c.is_proxy}
    assert proxies == {
        "in-platform-selling": ("consumers", 31.0),
        "social-sales-channel": ("market", 38.0),
        "purchase-feedback": ("consumers", 75.0),
        "social-proof": ("consumers", 63.0),
    }
    brands = {c.practice.key for c in shares if not c.is_proxy}
    assert brands == {"messaging-account", "in-app-payment", "live-streaming"}
    assert all(c.population_kind == "brands" for c in shares if not c.is_proxy)
    everything = Citation.objects.filter(practice__edition=first_edition)
    assert all(c.population_kind in POPULATION_KINDS for c in everything)
    assert all(c.publisher and c.publisher_zh_hans and c.title for c in everything)


def test_the_migrations_change_no_number_of_the_first_edition(first_edition, assessed):
    """Every figure is the seed's, and a 2017 result scores as the seed's record says it must."""
    record = json.loads(SEED.read_text(encoding="utf-8"))
    stored = {
        (c.practice.key, c.statement_en): c.percent
        for c in Citation.objects.filter(practice__edition=first_edition).select_related("practice")
    }
    expected = {
        (p["key"], c["statement"]): c.get("percent")
        for pillar in record["pillars"]
        for p in pillar["practices"]
        for c in pillar_citations(p)
    }
    assert {k: None if v is None else float(v) for k, v in stored.items()} == {
        k: None if v is None else float(v) for k, v in expected.items()
    }
    answers = dict(assessed.answers.values_list("question__key", "value"))
    card = score(_spec_from_record(record), "beauty", answers)
    result = assessed.result
    assert result.overall == pytest.approx(card.overall)
    assert result.benchmark_overall == pytest.approx(card.benchmark_overall)
    assert result.readiness_index == pytest.approx(card.index)
    assert [p.score for p in result.pillars.all()] == pytest.approx([p.score for p in card.pillars])
    shares = dict(result.recommendations.values_list("practice_key", "share"))
    for pillar in card.pillars:
        for practice in pillar.practices:
            if practice.key in shares:
                assert shares[practice.key] == pytest.approx(practice.prevalence.share)


def pillar_citations(practice: dict) -> list[dict]:
    return practice["citations"]


def _spec_from_record(record: dict) -> EditionSpec:
    """The first edition straight from its JSON record, with no database and no migration."""
    practices = []
    for pillar in record["pillars"]:
        for p in pillar["practices"]:
            figures = [
                CitationSpec(
                    c.get("percent"), c["statement"], "", 2017, c["population"], c.get("category")
                )
                for c in p["citations"]
                if c["use"] == "benchmark"
            ]
            practices.append(
                PracticeSpec(
                    p["key"],
                    pillar["key"],
                    p["title"],
                    p["recommendation"],
                    p["effort"],
                    float(p["weight"]),
                    tuple(figures),
                )
            )
    pillar_of = {p.key: p.pillar for p in practices}
    questions = [
        QuestionSpec(
            q["key"],
            q["practice"],
            pillar_of[q["practice"]],
            q["text"],
            QuestionType(q["type"]),
            q["allows_na"],
            tuple(ChoiceSpec(v, label, float(level)) for v, label, level in q["choices"]),
        )
        for q in record["questions"]
    ]
    return EditionSpec(
        id=0,
        label="record",
        pillars=tuple(
            PillarSpec(p["key"], p["name"], float(p["weight"])) for p in record["pillars"]
        ),
        practices=tuple(practices),
        questions=tuple(questions),
        tiers=tuple(
            TierSpec(t["key"], t["name"], float(t["min_index"]), t["summary"])
            for t in record["tiers"]
        ),
    )


# --- what readers see -------------------------------------------------------------------------


def test_a_consumer_figure_reads_as_a_proxy_in_english_on_every_surface(client, assessed):
    client.force_login(manager_of(assessed.brand))
    seen = _pages(client, assessed, "en")
    assert PROXY_EN in seen["page"]
    assert PROXY_EN in seen["csv"]
    assert PROXY_EN in re.sub(r"\s+", " ", seen["pdf"])
    for name, text in seen.items():
        assert "75% of brands" not in text, name
        assert "63% of brands" not in text and "31% of brands" not in text, name
        assert not INTERNAL.search(text), (name, INTERNAL.search(text))
    # A share of brands stays one.
    assert "China benchmark: 69% of Beauty brands in L2&#x27;s Index" in seen["page"]
    # The questionnaire cites the proxy as one, once per practice, with its age.
    step = seen["step"]
    assert step.count("Around three-quarters of all internet users") == 1
    assert "No published brand figure; proxy:" in step
    assert f"(2014, {timezone.now().year - 2014} years old)" in step


def test_a_consumer_figure_reads_as_a_proxy_in_chinese_on_every_surface(client, assessed):
    client.force_login(manager_of(assessed.brand))
    seen = _pages(client, assessed, "zh-hans")
    assert PROXY_ZH in seen["page"]
    assert PROXY_ZH in seen["csv"]
    assert PROXY_ZH in re.sub(r"\s+", "", seen["pdf"]).replace("75%", "75%")
    for name, text in seen.items():
        assert not INTERNAL.search(text), name
    assert "Annex Cloud 博客" in seen["page"]  # the publisher in Chinese
    assert "“约四分之三”按 75% 计。" in seen["page"]  # and the citation's note
    assert f"2014年，已有 {timezone.now().year - 2014} 年" in seen["page"]


def test_the_api_types_every_citation_and_shows_no_internal_identifier(assessed):
    consultant = manager_of(assessed.brand)
    report = _api(consultant, f"/api/v1/assessments/{assessed.pk}/report/")
    feedback = next(
        r for r in report["recommendations"] if r["practice_key"] == "purchase-feedback"
    )
    assert feedback["wording"] == "proxy" and feedback["basis"] == "all_categories"
    assert feedback["share_text"] == PROXY_EN
    cited = feedback["evidence"][0]
    assert cited["population_kind"] == "consumers" and cited["is_proxy"] is True
    assert cited["publisher"] == "Annex Cloud blog" and cited["year"] == 2014
    assert cited["url"] is None and cited["title"].startswith("What Western brands")
    assert "source" not in cited
    live = next(r for r in report["recommendations"] if r["practice_key"] == "live-streaming")
    assert live["wording"] == "brands" and live["evidence"][0]["population_kind"] == "brands"
    benchmark = _api(consultant, "/api/v1/benchmark/")
    zh = _api(consultant, f"/api/v1/assessments/{assessed.pk}/report/", "zh-hans")
    for answer in (report, benchmark, zh):
        assert not INTERNAL.search(json.dumps(answer, ensure_ascii=False))
    zh_feedback = next(r for r in zh["recommendations"] if r["practice_key"] == "purchase-feedback")
    assert zh_feedback["share_text"] == PROXY_ZH
    assert zh_feedback["evidence"][0]["publisher"] == "Annex Cloud 博客"


def test_a_result_stored_before_citations_were_typed_reads_through_its_edition(assessed):
    """Evidence stored in the old shape (source with a file name, no kind) is shown as typed."""
    rec = Recommendation.objects.get(result=assessed.result, practice_key="purchase-feedback")
    old = [
        {k: v for k, v in e.items() if k not in ("publisher", "title", "population_kind")}
        | {"source": "Annex Cloud blog on social commerce in China, figures from 2014 (seed 000)"}
        for e in rec.evidence
    ]
    Recommendation.objects.filter(pk=rec.pk).update(evidence=old)
    report = report_for(Assessment.objects.with_report().get(pk=assessed.pk))
    row = next(r for r in report.recommendations if r.practice_key == "purchase-feedback")
    assert row.wording == "proxy" and row.figure.publisher == "Annex Cloud blog"


def test_an_estimate_names_its_rule_and_lists_its_figures_only_on_request(client, assessed):
    client.force_login(manager_of(assessed.brand))
    html = _pages(client, assessed, "en")["page"]
    # Its recommendation, not its line in the executive summary's top actions above.
    recommendations = html[html.index('<section class="recommendations"') :]
    rec = recommendations[recommendations.index("One seamless experience") :]
    rec = rec[: rec.index("</li>\n  \n    <li") if "</li>\n  \n    <li" in rec else len(rec)]
    assert "Estimated China benchmark:" in rec
    assert "Benchmark estimated from the average of the whole benchmark." in rec
    details = rec[rec.index("<details") :]
    before = rec[: rec.index("<details")]
    assert "figures this estimate averaged" in details
    assert before.count("<cite>") <= 1  # its own statement at most; the averaged ones folded
    assert "not a share of brands, as it averages proxies" in rec


# --- the checks an admin meets --------------------------------------------------------------------


def row(**changes) -> checks.CitationRow:
    values = dict(
        practice="p",
        category=None,
        percent=40.0,
        publisher="L2 Inc.",
        year=2017,
        population="Beauty brands",
        population_kind="brands",
        is_proxy=False,
    )
    return checks.CitationRow(**(values | changes))


def test_an_unmarked_non_brand_share_is_refused_naming_the_proxy_mark():
    problems = checks.citation_problems(row(population_kind="consumers"))
    assert set(problems) == {"is_proxy"} and "not brands" in problems["is_proxy"]
    assert checks.citation_problems(row(population_kind="consumers", is_proxy=True)) == {}
    # Supporting evidence or qualitative words may count anyone.
    assert checks.citation_problems(row(population_kind="sales", is_benchmark=False)) == {}
    assert checks.citation_problems(row(population_kind="sales", percent=None)) == {}


def test_a_proxy_share_is_published_with_a_warning():
    rows = checks.EditionRows(citations=(row(population_kind="consumers", is_proxy=True), row()))
    warnings = checks.edition_warnings(rows)
    assert len(warnings) == 1 and "counts consumers" in warnings[0] and "proxy" in warnings[0]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"publisher": " "}, "publisher"),
        ({"year": None}, "year"),
        ({"year": 2999}, "year"),
        ({"population_kind": ""}, "population_kind"),
        ({"percent": 140.0}, "percent"),
        ({"percent": -1.0}, "percent"),
    ],
)
def test_bad_citations_are_refused_naming_the_field(changes, field):
    assert field in checks.citation_problems(row(**changes), this_year=2026)


def test_the_admin_refuses_a_bad_citation_naming_the_field_and_keeps_the_draft(
    admin_client, first_edition
):
    from assessments.publishing import edition_copy

    draft = edition_copy(edition=first_edition)
    cited = Citation.objects.filter(practice__edition=draft, percent=69).first()
    url = f"/admin/assessments/citation/{cited.pk}/change/"
    form = {
        "practice": cited.practice_id,
        "category": cited.category_id,
        "use": "benchmark",
        "percent": "69",
        "statement_en": cited.statement_en,
        "population_en": cited.population_en,
        "population_kind": "consumers",
        "publisher_en": cited.publisher_en,
        "year": str(timezone.now().year + 1),
    }
    html = admin_client.post(url, form).content.decode()
    assert "in the future" in html and "mark it a proxy" in html
    cited.refresh_from_db()
    assert (cited.population_kind, cited.year, float(cited.percent)) == ("brands", 2017, 69.0)


def test_publishing_refuses_an_unmarked_consumer_share_and_the_edition_page_lists_old_figures(
    admin_client, first_edition
):
    from assessments.publishing import edition_copy, edition_validate

    draft = edition_copy(edition=first_edition)
    Citation.objects.filter(practice__edition=draft, percent=75).update(is_proxy=False)
    problems = edition_validate(edition_id=draft.pk)
    assert any("purchase-feedback" in p and "mark it a proxy" in p for p in problems)
    html = admin_client.get(f"/admin/assessments/edition/{first_edition.pk}/change/").content
    html = html.decode()
    assert "Figures older than 5 years" in html
    assert f"{timezone.now().year - 2014} years" in html


def test_the_openapi_schema_documents_the_evidence_enums(client):
    import yaml

    components = yaml.safe_load(client.get("/api/schema/").content)["components"]["schemas"]

    def enum(schema: str, field: str) -> list[str]:
        ref = components[schema]["properties"][field]["allOf"][0]["$ref"]
        return components[ref.split("/")[-1]]["enum"]

    assert enum("Citation", "population_kind") == ["brands", "sales", "consumers", "market"]
    assert components["Citation"]["properties"]["url"]["nullable"] is True
    assert "observed" in enum("RecommendationRow", "basis")
    assert "category" in enum("RecommendationRow", "basis")
    wordings = set(enum("RecommendationRow", "wording"))
    assert wordings == {"brands", "proxy", "estimate", "observed", "none"}
