"""The first edition carries the figures of BENCHMARK_FACTS.md as data with citations."""

from __future__ import annotations

import pytest

from assessments.core.prevalence import Basis, resolve_prevalence
from assessments.models import Category, Citation, ContextFigure, Edition, Question

pytestmark = pytest.mark.django_db

# (practice, category slug or None, percent): every scoring figure of the facts file.
FIGURES = [
    ("messaging-account", "beauty", 100),
    ("messaging-account", "personal-care", 96),
    ("messaging-account", "watches-jewelry", 90),
    ("in-app-payment", "cpg", 70),
    ("in-platform-selling", None, 31),
    ("in-platform-selling", None, 82),
    ("in-platform-selling", None, 1.5),
    ("social-sales-channel", None, 38),
    ("live-streaming", "beauty", 69),
    ("live-streaming", "beauty", 80),
    ("purchase-feedback", None, 75),
    ("purchase-feedback", None, 20),
    ("social-proof", None, 63),
]


@pytest.mark.parametrize(("practice", "category", "percent"), FIGURES)
def test_every_figure_is_carried_with_its_citation(edition, practice, category, percent):
    citations = Citation.objects.filter(
        practice__edition=edition,
        practice__key=practice,
        category__slug=category,
        percent=percent,
    )
    assert citations, f"{percent}% for {practice} is missing"
    for citation in citations:
        assert citation.source and citation.year and citation.population and citation.statement


def test_there_is_exactly_one_current_published_edition(db):
    current = Edition.objects.current()
    assert current.status == Edition.Status.PUBLISHED
    assert Edition.objects.filter(is_current=True).count() == 1


def test_the_named_categories_and_a_fallback_exist(db):
    slugs = set(Category.objects.values_list("slug", flat=True))
    assert {"beauty", "personal-care", "watches-jewelry", "cpg", "other"} <= slugs
    assert Category.objects.get(is_fallback=True).slug == "other"


def test_the_questionnaire_has_a_step_a_manager_recognises_per_pillar(edition):
    questions = Question.objects.filter(edition=edition)
    assert 20 <= questions.count() <= 40
    pillars = set(questions.values_list("practice__pillar__key", flat=True))
    assert pillars == {
        "messaging",
        "payments",
        "social-commerce",
        "live-streaming",
        "ugc",
        "integration",
    }
    assert questions.filter(text__icontains="WeChat").exists()
    assert (
        questions.filter(text__icontains="Tmall").exists()
        or questions.filter(choices__label="Tmall").exists()
    )


def test_context_figures_are_kept_for_reports(edition):
    statements = " ".join(
        ContextFigure.objects.filter(edition=edition).values_list("statement", flat=True)
    )
    for figure in ("618 million", "355 million", "56%", "Genius at 140"):
        assert figure in statements


def test_a_category_without_a_figure_uses_a_marked_fallback(spec):
    cpg = resolve_prevalence(spec, "cpg")
    assert cpg["in-app-payment"].basis == Basis.CATEGORY
    assert cpg["in-app-payment"].share == pytest.approx(0.70)
    # No CPG figure for a WeChat account: the mean of Beauty, Personal Care, Watches & Jewelry.
    assert cpg["messaging-account"].basis == Basis.OTHER_CATEGORIES
    assert cpg["messaging-account"].basis.is_fallback
    assert cpg["messaging-account"].share == pytest.approx((1.00 + 0.96 + 0.90) / 3)


def test_every_practice_has_a_benchmark_for_every_category(spec, db):
    for category in Category.objects.values_list("slug", flat=True):
        resolved = resolve_prevalence(spec, category)
        assert all(r.share is not None for r in resolved.values()), category
