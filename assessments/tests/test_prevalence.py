"""Benchmark resolution: each step of the documented order, and properties on random editions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given

from assessments.core.prevalence import Basis, resolve_prevalence
from assessments.core.specs import EditionSpec, PillarSpec
from assessments.tests.edition_builders import categories, citation, edition, editions, practice

SOCIAL = PillarSpec("social", "Social", 1.0)
PAY = PillarSpec("pay", "Payments", 1.0)


def test_a_figure_for_the_category_wins_over_the_all_categories_figure() -> None:
    cited = practice("p", "social", citations=(citation(60.0), citation(80.0, "beauty")))
    resolved = resolve_prevalence(edition((SOCIAL,), (cited,), ()), "beauty")["p"]
    assert (resolved.share, resolved.basis) == (0.8, Basis.CATEGORY)
    assert resolved.citations == (cited.citations[1],)


def test_shares_are_resolved_once_per_edition_and_category_and_no_caller_can_change_them() -> None:
    cited = practice("p", "social", citations=(citation(60.0), citation(80.0, "beauty")))
    spec = edition((SOCIAL,), (cited,), ())
    first = resolve_prevalence(spec, "beauty")
    with pytest.raises(TypeError):
        first["p"] = None  # type: ignore[index]
    assert resolve_prevalence(spec, "beauty")["p"] is first["p"]
    assert resolve_prevalence(spec, "food")["p"].basis == Basis.ALL_CATEGORIES


def test_the_all_categories_figure_applies_when_the_category_has_none() -> None:
    cited = practice("p", "social", citations=(citation(80.0, "food"), citation(60.0)))
    resolved = resolve_prevalence(edition((SOCIAL,), (cited,), ()), "beauty")["p"]
    assert (resolved.share, resolved.basis) == (0.6, Basis.ALL_CATEGORIES)
    assert resolved.citations == (cited.citations[1],)


def test_other_categories_are_averaged_when_no_figure_covers_the_category() -> None:
    cited = practice("p", "social", citations=(citation(80.0, "food"), citation(40.0, "apparel")))
    resolved = resolve_prevalence(edition((SOCIAL,), (cited,), ()), "beauty")["p"]
    # (0.8 + 0.4) / 2 = 0.6
    assert math.isclose(resolved.share, 0.6)
    assert resolved.basis is Basis.OTHER_CATEGORIES
    assert resolved.citations == cited.citations


def test_a_practice_without_figures_takes_the_mean_of_its_pillar() -> None:
    a = practice("a", "social", citations=(citation(50.0),))
    b = practice("b", "social", citations=(citation(70.0, "beauty"),))
    bare = practice("bare", "social")
    elsewhere = practice("elsewhere", "pay", citations=(citation(10.0),))
    spec = edition((SOCIAL, PAY), (a, b, bare, elsewhere), ())
    resolved = resolve_prevalence(spec, "beauty")["bare"]
    # pillar "social" only: (0.5 + 0.7) / 2 = 0.6; the payments figure is not used
    assert math.isclose(resolved.share, 0.6)
    assert resolved.basis is Basis.PILLAR_AVERAGE
    assert resolved.citations == a.citations + b.citations


def test_pillar_average_uses_only_figures_found_for_the_practices_themselves() -> None:
    figured = practice("figured", "social", citations=(citation(30.0),))
    bare1, bare2 = practice("bare1", "social"), practice("bare2", "social")
    resolved = resolve_prevalence(edition((SOCIAL,), (bare1, figured, bare2), ()), "food")
    # bare2's peers are bare1 and figured; bare1's own share is borrowed, so only figured counts.
    assert resolved["bare2"].citations == figured.citations
    assert resolved["bare1"].share == resolved["bare2"].share == 0.3


def test_a_pillar_without_figures_takes_the_mean_of_the_edition() -> None:
    bare = practice("bare", "social", citations=(citation(None, statement="Ubiquitous"),))
    pay1 = practice("pay1", "pay", citations=(citation(20.0),))
    pay2 = practice("pay2", "pay", citations=(citation(60.0, "beauty"), citation(90.0, "food")))
    resolved = resolve_prevalence(edition((SOCIAL, PAY), (bare, pay1, pay2), ()), "beauty")["bare"]
    # edition: pay1 0.2 (all categories), pay2 0.6 (beauty) -> (0.2 + 0.6) / 2 = 0.4
    assert math.isclose(resolved.share, 0.4)
    assert resolved.basis is Basis.EDITION_AVERAGE
    # the figures used, then the practice's own qualitative evidence
    assert resolved.citations == (pay1.citations[0], pay2.citations[0], bare.citations[0])


def test_no_figure_anywhere_leaves_the_share_unknown_but_keeps_the_evidence() -> None:
    bare = practice("bare", "social", citations=(citation(None, statement="Ubiquitous"),))
    resolved = resolve_prevalence(edition((SOCIAL,), (bare,), ()), "beauty")["bare"]
    assert (resolved.share, resolved.basis) == (None, Basis.NONE)
    assert resolved.citations == bare.citations


def test_qualitative_evidence_follows_the_figure_that_was_used() -> None:
    note = citation(None, statement="Ubiquitous")
    cited = practice("p", "social", citations=(note, citation(55.0)))
    resolved = resolve_prevalence(edition((SOCIAL,), (cited,), ()), "beauty")["p"]
    assert resolved.citations == (cited.citations[1], note)


def test_a_study_cited_by_two_peers_is_listed_once() -> None:
    shared = citation(40.0)
    a, b = (
        practice("a", "social", citations=(shared,)),
        practice("b", "social", citations=(shared,)),
    )
    bare = practice("bare", "social")
    resolved = resolve_prevalence(edition((SOCIAL,), (a, b, bare), ()), "food")["bare"]
    assert resolved.citations == (shared,)


@pytest.mark.parametrize(
    ("basis", "is_fallback"),
    [
        (Basis.CATEGORY, False),
        (Basis.ALL_CATEGORIES, False),
        (Basis.OTHER_CATEGORIES, True),
        (Basis.PILLAR_AVERAGE, True),
        (Basis.EDITION_AVERAGE, True),
        (Basis.NONE, False),
    ],
)
def test_only_borrowed_figures_are_fallbacks(basis: Basis, is_fallback: bool) -> None:
    assert basis.is_fallback is is_fallback


@given(editions(), categories)
def test_every_practice_gets_a_share_between_0_and_1_unless_nothing_is_cited(
    edition_spec: EditionSpec, category: str
) -> None:
    resolved = resolve_prevalence(edition_spec, category)
    any_figure = any(c.percent is not None for p in edition_spec.practices for c in p.citations)
    assert set(resolved) == {p.key for p in edition_spec.practices}
    for prevalence in resolved.values():
        assert (prevalence.share is None) == (prevalence.basis is Basis.NONE) == (not any_figure)
        assert prevalence.share is None or 0.0 <= prevalence.share <= 1.0


@given(editions(), categories)
def test_evidence_always_includes_the_practice_qualitative_citations(
    edition_spec: EditionSpec, category: str
) -> None:
    resolved = resolve_prevalence(edition_spec, category)
    for practice_spec in edition_spec.practices:
        evidence = resolved[practice_spec.key].citations
        qualitative = [c for c in practice_spec.citations if c.percent is None]
        assert all(c in evidence for c in qualitative)
        assert all(c.percent is not None for c in evidence[: len(evidence) - len(qualitative)])
