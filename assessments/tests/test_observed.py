"""Observed adoption: the benchmark that grows with use, without singling out a brand."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from assessments import observed
from assessments.core.observed import observed_figures
from assessments.core.scoring import score
from assessments.models import Assessment, Category, Citation, Edition
from assessments.publishing import edition_copy, edition_publish
from assessments.report_data import report_for
from assessments.tests.factories import BrandFactory, scored_assessment

pytestmark = pytest.mark.django_db


def _brands(count, category, maturity, capture):
    return [
        scored_assessment(
            brand=BrandFactory(), category=category, maturity=maturity, capture=capture
        )
        for _ in range(count)
    ]


def test_a_figure_needs_the_minimum_of_distinct_brands(spec):
    answers = {q.key: q.choices[-1].value if q.choices else 100 for q in spec.questions}
    card = score(spec, "beauty", answers)
    nine = [(f"b{n}", "beauty", card) for n in range(9)]
    assert observed_figures(nine, min_brands=10) == []
    # A brand assessed twice counts once: one scorecard per distinct brand.
    ten = [*nine, ("b0", "beauty", card), ("b9", "beauty", card)]
    figures = observed_figures(ten, min_brands=10)
    assert figures and all(f.brands == 10 for f in figures)


def test_the_admin_keeps_observed_figures_and_a_published_result_never_moves(
    settings, edition, beauty, django_capture_on_commit_callbacks, admin_client
):
    settings.OBSERVED_MIN_BRANDS = 3
    capture = django_capture_on_commit_callbacks
    _brands(2, beauty, 0.5, capture)
    draft = edition_copy(edition=edition)
    assert observed.observed_offers(edition=draft) == []  # two brands: nothing offered
    _brands(1, beauty, 1.0, capture)
    offers = observed.observed_offers(edition=draft)
    live = next(o for o in offers if o.figure.practice == "live-streaming")
    assert (live.figure.category, live.figure.brands) == ("beauty", 3)
    assert live.replaces is not None and float(live.replaces.percent) == 69

    url = f"/admin/assessments/edition/{draft.pk}/observed/"
    assert "live-streaming" in admin_client.get(url).content.decode()
    admin_client.post(url, {"keep": [live.key]})
    kept = Citation.objects.get(practice__edition=draft, observed_brands=3)
    assert kept.use == "benchmark" and kept.population_kind == "brands"
    assert kept.publisher == "readiness" and "3 brands assessed" in kept.title
    assert Citation.objects.get(pk=live.replaces.pk).use == "supporting"

    published = edition_publish(edition_id=draft.pk, label="2018 China benchmark")
    mine = scored_assessment(brand=BrandFactory(), category=beauty, maturity=0.5, capture=capture)
    assert mine.result.edition_id == published.pk
    before = (mine.result.readiness_index, mine.result.benchmark_overall)
    row = next(
        r
        for r in report_for(Assessment.objects.with_report().get(pk=mine.pk)).recommendations
        if r.practice_key == "live-streaming"
    )
    assert row.basis == "observed" and row.wording == "observed"
    _brands(4, beauty, 0.0, capture)  # later brands, who adopt nothing
    mine.result.refresh_from_db()
    assert (mine.result.readiness_index, mine.result.benchmark_overall) == before
    assert Citation.objects.get(pk=kept.pk).percent == kept.percent


def test_an_observed_figure_under_the_minimum_is_refused_naming_the_field(
    settings, edition, beauty
):
    settings.OBSERVED_MIN_BRANDS = 10
    draft = edition_copy(edition=edition)
    citation = Citation.objects.filter(practice__edition=draft, percent=69).first()
    citation.observed_brands = 4
    with pytest.raises(ValidationError) as refused:
        citation.full_clean()
    assert "observed_brands" in refused.value.message_dict
    assert Citation.objects.get(pk=citation.pk).observed_brands is None  # nothing saved


def test_observed_figures_are_offered_to_drafts_only(edition):
    with pytest.raises(observed.ObservedRefused):
        observed.observed_offers(edition=Edition.objects.get(pk=edition.pk))
    assert Category.objects.filter(slug="beauty").exists()
