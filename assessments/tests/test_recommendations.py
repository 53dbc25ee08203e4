"""Recommendations: ranking on the example edition, buckets, and the expected-gain property."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.core.prevalence import Basis, ResolvedPrevalence, resolve_prevalence
from assessments.core.recommendations import priority_bucket, recommend
from assessments.core.scoring import score
from assessments.core.specs import EditionSpec, PillarSpec, QuestionSpec, QuestionType
from assessments.tests.edition_builders import (
    EXAMPLE_ANSWERS,
    edition,
    example_edition,
    practice,
    scored_cases,
    yes_no,
)

EXAMPLE = example_edition()


def test_example_recommendations_are_ranked_by_gain_times_share_over_effort() -> None:
    recommendations = recommend(score(EXAMPLE, "beauty", EXAMPLE_ANSWERS), EXAMPLE)
    # sum of scored pillar weights: 2 (reach) + 1 (convert) = 3
    # messaging:  (1 - 0.75)  * 2/3 * 100 * 2/3 = 11.11; * 0.8 / effort 1 = 8.89
    # mobile_pay: (1 - 0.6)   * 3/3 * 100 * 1/3 = 13.33; * 0.9 / effort 2 = 6.00
    # livestream: (1 - 0.875) * 1/3 * 100 * 2/3 =  2.78; * 0.4 / effort 3 = 0.37
    # group_buy is N/A: no recommendation.
    assert [r.practice_key for r in recommendations] == ["messaging", "mobile_pay", "livestream"]
    assert [r.rank for r in recommendations] == [1, 2, 3]
    assert [r.bucket for r in recommendations] == ["P1", "P2", "P3"]
    expected = [(100 / 9, 80 / 9), (40 / 3, 6.0), (25 / 9, 10 / 27)]
    for recommendation, (gain, priority) in zip(recommendations, expected, strict=True):
        assert math.isclose(recommendation.expected_gain, gain)
        assert math.isclose(recommendation.priority_score, priority)


def test_a_recommendation_carries_the_practice_text_effort_and_evidence() -> None:
    first = recommend(score(EXAMPLE, "beauty", EXAMPLE_ANSWERS), EXAMPLE)[0]
    messaging = EXAMPLE.practice("messaging")
    assert (first.pillar_key, first.title, first.text) == (
        "reach",
        messaging.title,
        messaging.recommendation,
    )
    assert (first.effort, first.share, first.basis) == (1, 0.8, Basis.CATEGORY)
    assert first.evidence == (messaging.citations[0],)


def test_a_fully_adopted_practice_gets_no_recommendation() -> None:
    answers = {**EXAMPLE_ANSWERS, "msg_account": "active"}  # messaging: (1.0 + 1.0) / 2 = 1
    keys = [r.practice_key for r in recommend(score(EXAMPLE, "beauty", answers), EXAMPLE)]
    assert "messaging" not in keys


def test_a_not_applicable_practice_gets_no_recommendation() -> None:
    keys = [r.practice_key for r in recommend(score(EXAMPLE, "beauty", EXAMPLE_ANSWERS), EXAMPLE)]
    assert "group_buy" not in keys


def test_nothing_answered_gives_no_recommendations() -> None:
    assert recommend(score(EXAMPLE, "beauty", {}), EXAMPLE) == ()


def test_a_practice_without_a_benchmark_share_is_listed_last_with_no_gain() -> None:
    # Within an edition a share is only unknown when nothing at all is cited, so the
    # unknown share is set directly through the prevalence a caller may pass in.
    prevalence = dict(resolve_prevalence(EXAMPLE, "beauty"))  # a copy: the resolved one is shared
    prevalence["messaging"] = ResolvedPrevalence(None, Basis.NONE, ())
    card = score(EXAMPLE, "beauty", EXAMPLE_ANSWERS, prevalence)
    last = recommend(card, EXAMPLE)[-1]
    assert (last.practice_key, last.share, last.basis) == ("messaging", None, Basis.NONE)
    assert (last.expected_gain, last.priority_score) == (0.0, 0.0)


def test_without_any_figure_every_gap_is_listed_by_practice_key() -> None:
    social = PillarSpec("social", "Social", 1.0)
    b, a = practice("b", "social"), practice("a", "social")
    spec = edition((social,), (b, a), (yes_no("b_q", b), yes_no("a_q", a)))
    ranked = recommend(score(spec, "food", {"a_q": "no", "b_q": "no"}), spec)
    assert [(r.practice_key, r.priority_score) for r in ranked] == [("a", 0.0), ("b", 0.0)]


@pytest.mark.parametrize(
    ("total", "buckets"),
    [
        (1, ["P1"]),
        (2, ["P1", "P3"]),
        (3, ["P1", "P2", "P3"]),
        (4, ["P1", "P2", "P3", "P4"]),
        (5, ["P1", "P1", "P2", "P3", "P4"]),
        (6, ["P1", "P1", "P2", "P3", "P3", "P4"]),
        (7, ["P1", "P1", "P2", "P2", "P3", "P3", "P4"]),
        (8, ["P1", "P1", "P2", "P2", "P3", "P3", "P4", "P4"]),
    ],
)
def test_buckets_are_rank_quartiles(total: int, buckets: list[str]) -> None:
    assert [priority_bucket(rank, total) for rank in range(1, total + 1)] == buckets


def test_a_rank_outside_the_list_has_no_bucket() -> None:
    with pytest.raises(ValueError, match=r"rank must be in 1\.\.3"):
        priority_bucket(4, 3)


# --- properties on random editions ------------------------------------------------------------


def full_answer(question: QuestionSpec) -> object:
    """An answer at full adoption (the edition strategies always offer a level-1 choice)."""
    if question.type is QuestionType.PERCENT:
        return 100.0
    top = max(question.choices, key=lambda choice: choice.level)
    return (top.value,) if question.type is QuestionType.MULTIPLE else top.value


@given(scored_cases())
def test_expected_gain_is_the_overall_rise_when_that_practice_alone_is_fully_adopted(
    case: tuple[EditionSpec, str, dict[str, object]],
) -> None:
    edition_spec, category, answers = case
    before = score(edition_spec, category, answers)
    for recommendation in recommend(before, edition_spec):
        raised = dict(answers)
        for question in edition_spec.questions_for(recommendation.practice_key):
            if raised.get(question.key) is not None:
                raised[question.key] = full_answer(question)
        after = score(edition_spec, category, raised)
        assert after.practice(recommendation.practice_key).adoption == 1.0
        rise = 0.0 if before.overall is None else after.overall - before.overall
        assert math.isclose(recommendation.expected_gain, rise, rel_tol=1e-9, abs_tol=1e-9)


@given(scored_cases())
def test_recommendations_are_ranked_one_to_n_by_priority_then_key(
    case: tuple[EditionSpec, str, dict[str, object]],
) -> None:
    card = score(*case)
    ranked = recommend(card, case[0])
    gaps = [
        p.key
        for pillar in card.pillars
        for p in pillar.practices
        if p.adoption is not None and p.adoption < 1.0
    ]
    assert sorted(r.practice_key for r in ranked) == sorted(gaps)
    assert [r.rank for r in ranked] == list(range(1, len(ranked) + 1))
    order = [(-r.priority_score, r.practice_key) for r in ranked]
    assert order == sorted(order)
    assert all(r.expected_gain >= 0 and r.priority_score >= 0 for r in ranked)


@given(st.integers(min_value=1, max_value=50))
def test_buckets_never_go_down_and_the_first_is_always_p1(total: int) -> None:
    buckets = [priority_bucket(rank, total) for rank in range(1, total + 1)]
    assert buckets == sorted(buckets)
    assert buckets[0] == "P1"
    assert buckets[-1] == "P4" or total < 4
