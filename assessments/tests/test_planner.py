"""The target planner: least effort to a target, checked against the scorer and by brute force."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.core.planner import (
    InvalidTarget,
    Plan,
    Target,
    default_target,
    higher_tiers,
    plan,
    resolve_target,
)
from assessments.core.scoring import Scorecard, score
from assessments.core.specs import EditionSpec, PillarSpec, QuestionSpec, QuestionType
from assessments.tests.edition_builders import (
    EXAMPLE_ANSWERS,
    TIERS,
    citation,
    edition,
    example_edition,
    practice,
    scored_cases,
    yes_no,
)

EXAMPLE = example_edition()


def best(question: QuestionSpec) -> object:
    """Full adoption, written independently of the planner: every choice, or the top one."""
    if question.type is QuestionType.PERCENT:
        return 100.0
    if question.type is QuestionType.MULTIPLE:
        return tuple(sorted(choice.value for choice in question.choices))
    return max(question.choices, key=lambda choice: choice.level).value


def raise_practices(
    spec: EditionSpec, answers: dict[str, object], keys: list[str]
) -> dict[str, object]:
    """The answers with every answered (not N/A) question of these practices at its best."""
    raised = dict(answers)
    for key in keys:
        for question in spec.questions_for(key):
            if raised.get(question.key) is not None:
                raised[question.key] = best(question)
    return raised


def index_after(spec: EditionSpec, category: str, answers: dict, keys: list[str]) -> float | None:
    return score(spec, category, raise_practices(spec, answers, keys)).index


def applicable(card: Scorecard) -> list[str]:
    return [p.key for pillar in card.pillars for p in pillar.practices if p.adoption is not None]


def keys_of(found: Plan) -> list[str]:
    return [action.practice_key for action in found.actions]


# --- the example edition, by hand -------------------------------------------------------------


def example_card() -> Scorecard:
    return score(EXAMPLE, "beauty", EXAMPLE_ANSWERS)


def test_an_example_plan_is_the_cheapest_set_that_reaches_the_target() -> None:
    card = example_card()
    # Index 97.8 (Average). Raising messaging adds 14.9 (effort 1), mobile_pay 17.9 (effort 2),
    # livestream 3.7 (effort 3). 130 needs 32.2: messaging and mobile_pay, effort 3.
    found = plan(card, EXAMPLE, resolve_target(EXAMPLE, "130"))
    assert found.reachable
    assert keys_of(found) == ["mobile_pay", "messaging"]  # largest gain first
    assert found.total_effort == 3
    assert (
        130
        <= found.projected_index
        == index_after(EXAMPLE, "beauty", EXAMPLE_ANSWERS, ["messaging", "mobile_pay"])
    )
    # Gifted (110) needs 12.2: messaging alone, effort 1.
    gifted = plan(card, EXAMPLE, resolve_target(EXAMPLE, "gifted"))
    assert (keys_of(gifted), gifted.total_effort, gifted.projected_tier.key) == (
        ["messaging"],
        1,
        "gifted",
    )


def test_among_plans_of_equal_effort_the_one_that_gains_more_wins() -> None:
    pillar = PillarSpec("p", "P", 1.0)
    light = practice("light", "p", weight=1.0, effort=2, citations=(citation(50.0),))
    heavy = practice("heavy", "p", weight=2.0, effort=2, citations=(citation(50.0),))
    spec = edition((pillar,), (light, heavy), (yes_no("light_q", light), yes_no("heavy_q", heavy)))
    answers = {"light_q": "no", "heavy_q": "no"}
    # Index 0; raising light gives 66.7, heavy 133.3: either reaches 60 for effort 2.
    found = plan(score(spec, "beauty", answers), spec, Target(60.0))
    assert (keys_of(found), found.total_effort) == (["heavy"], 2)


def test_every_action_says_what_it_raises_and_why() -> None:
    found = plan(example_card(), EXAMPLE, resolve_target(EXAMPLE, "130"))
    messaging = next(a for a in found.actions if a.practice_key == "messaging")
    assert (messaging.from_adoption, messaging.to_adoption) == (0.75, 1.0)
    assert messaging.effort == 1
    assert messaging.evidence == (EXAMPLE.practice("messaging").citations[0],)
    assert messaging.text == EXAMPLE.practice("messaging").recommendation
    # Gains add up to the scorer's rise: the index is linear in the raised practices.
    rise = found.projected_index - found.current_index
    assert math.isclose(sum(a.gain for a in found.actions), rise, rel_tol=1e-12)


def test_a_target_already_reached_needs_no_action() -> None:
    found = plan(example_card(), EXAMPLE, resolve_target(EXAMPLE, "average"))
    assert (found.reachable, found.actions, found.total_effort) == (True, (), 0)
    assert found.projected_index == found.current_index


def test_an_unreachable_target_says_so_and_returns_the_closest_plan() -> None:
    found = plan(example_card(), EXAMPLE, resolve_target(EXAMPLE, "genius"))  # 140
    assert not found.reachable
    assert sorted(keys_of(found)) == ["livestream", "messaging", "mobile_pay"]
    everything = index_after(EXAMPLE, "beauty", EXAMPLE_ANSWERS, applicable(example_card()))
    assert found.projected_index == everything < 140


def test_without_a_benchmark_nothing_can_be_planned() -> None:
    found = plan(score(EXAMPLE, "beauty", {}), EXAMPLE, Target(90.0))
    assert (found.reachable, found.projected_index, found.actions) == (False, None, ())


def test_the_plan_explains_itself_as_json() -> None:
    explained = plan(example_card(), EXAMPLE, resolve_target(EXAMPLE, "130")).explain()
    assert explained["target"] == "130"
    assert explained["total_effort"] == 3
    first = explained["actions"][0]
    assert first["practice_key"] == "mobile_pay"
    assert first["evidence"][0]["percent"] == 90.0


# --- targets ----------------------------------------------------------------------------------


def test_a_tier_key_targets_its_minimum_index() -> None:
    target = resolve_target(EXAMPLE, "average")
    assert (target.index, target.tier.key, target.key) == (90.0, "average", "average")


@pytest.mark.parametrize(
    ("raw", "index"), [("0", 0.0), ("1000", 1000.0), (" 95.5 ", 95.5), (120, 120.0)]
)
def test_an_index_target_is_a_number_from_0_to_1000(raw: object, index: float) -> None:
    assert resolve_target(EXAMPLE, raw).index == index


@pytest.mark.parametrize("raw", ["-1", "1000.5", "nan", "inf", "genious", "", True, 1e9])
def test_anything_else_is_an_invalid_target(raw: object) -> None:
    with pytest.raises(InvalidTarget):
        resolve_target(EXAMPLE, raw)


def test_the_default_target_is_the_next_tier_up() -> None:
    assert default_target(EXAMPLE, 97.8).tier.key == "gifted"
    assert [t.key for t in higher_tiers(EXAMPLE, 97.8)] == ["gifted", "genius"]
    assert default_target(EXAMPLE, 150.0) is None  # already in the top tier


# --- properties on random editions ------------------------------------------------------------

targets = st.one_of(
    st.sampled_from([tier.key for tier in TIERS]),
    st.floats(min_value=0.0, max_value=250.0).map(lambda index: f"{index!r}"),
)


@given(scored_cases(), targets)
def test_the_projected_index_is_the_scorers_on_the_raised_answers(case, raw: str) -> None:
    spec, category, answers = case
    found = plan(score(spec, category, answers), spec, resolve_target(spec, raw))
    if found.current_index is not None:
        assert found.projected_index == index_after(spec, category, answers, keys_of(found))


@given(scored_cases(), targets)
def test_the_plan_reaches_the_target_whenever_full_adoption_does(case, raw: str) -> None:
    spec, category, answers = case
    card = score(spec, category, answers)
    target = resolve_target(spec, raw)
    full = index_after(spec, category, answers, applicable(card))
    found = plan(card, spec, target)
    reaches = full is not None and full >= target.index
    assert found.reachable == reaches
    if reaches:
        assert found.projected_index >= target.index
    elif full is not None:
        assert found.projected_index == full  # the closest plan gets as far as anything


@given(scored_cases(), targets)
def test_no_action_of_a_plan_can_be_dropped(case, raw: str) -> None:
    spec, category, answers = case
    found = plan(score(spec, category, answers), spec, resolve_target(spec, raw))
    for action in found.actions:
        rest = [key for key in keys_of(found) if key != action.practice_key]
        without = index_after(spec, category, answers, rest)
        if found.reachable:
            assert without < found.target.index
        else:
            assert without < found.projected_index


@st.composite
def boundary_cases(draw: st.DrawFn):
    """A case whose target is exactly what some set of practices reaches: the hardest ties."""
    spec, category, answers = draw(scored_cases())
    card = score(spec, category, answers)
    subset = draw(st.lists(st.sampled_from(applicable(card) or [""]), unique=True))
    index = index_after(spec, category, answers, subset)
    raw = f"{index!r}" if index is not None and index <= 1000 else "average"
    return spec, category, answers, raw


@settings(max_examples=150)
@given(st.one_of(boundary_cases(), st.tuples(scored_cases(), targets).map(lambda c: (*c[0], c[1]))))
def test_no_cheaper_plan_exists_by_brute_force(case) -> None:
    assert_no_cheaper_plan(*case)


def assert_no_cheaper_plan(spec: EditionSpec, category: str, answers: dict, raw: str) -> None:
    """Every set of applicable practices that reaches the target costs at least the plan."""
    card = score(spec, category, answers)
    target = resolve_target(spec, raw)
    found = plan(card, spec, target)
    if not found.reachable:
        return
    keys = applicable(card)
    effort = {key: spec.practice(key).effort for key in keys}
    for size in range(len(keys) + 1):
        for subset in itertools.combinations(keys, size):
            index = index_after(spec, category, answers, list(subset))
            if index is None or index < target.index:
                continue
            cost = sum(effort[key] for key in subset)
            assert cost >= found.total_effort
            if cost == found.total_effort:  # ties go to the plan that gains most
                assert index <= found.projected_index + 1e-9


def test_a_plan_of_a_larger_edition_is_also_the_cheapest() -> None:
    # Eight equal-weight yes/no practices, efforts 1..4 (two of each): the gains are equal, so
    # three practices' gain is met cheapest by the two of effort 1 and one of effort 2.
    pillar = PillarSpec("p", "P", 1.0)
    practices = [
        practice(f"x{i}", "p", effort=1 + i % 4, citations=(citation(50.0),)) for i in range(8)
    ]
    spec = edition((pillar,), practices, [yes_no(f"x{i}_q", p) for i, p in enumerate(practices)])
    answers = {f"x{i}_q": "no" for i in range(8)}
    card = score(spec, "beauty", answers)
    three = index_after(spec, "beauty", answers, ["x0", "x4", "x1"])
    found = plan(card, spec, Target(three))
    assert found.total_effort == 1 + 1 + 2
    assert {"x0", "x4"} <= set(keys_of(found))


@st.composite
def knapsack_cases(draw: st.DrawFn):
    """Yes/no practices with random weights and efforts, most of them not adopted yet.

    The random editions above seldom make a cheap practice gain more per effort than it needs;
    these do, so that a greedy choice by gain per effort would be caught.
    """
    pillars = [PillarSpec(f"p{i}", f"P{i}", draw(st.integers(1, 3))) for i in range(2)]
    practices = [
        practice(
            f"x{i}",
            pillars[i % 2].key,
            weight=draw(st.integers(1, 6)),
            effort=draw(st.integers(1, 4)),
            citations=(citation(draw(st.integers(10, 90))),),
        )
        for i in range(draw(st.integers(2, 8)))
    ]
    questions = [yes_no(f"{p.key}_q", p) for p in practices]
    spec = edition(pillars, practices, questions)
    answers = {q.key: draw(st.sampled_from(["no", "no", "yes"])) for q in questions}
    return spec, "beauty", answers, f"{draw(st.floats(0.0, 250.0))!r}"


@settings(max_examples=300)
@given(knapsack_cases())
def test_no_cheaper_plan_exists_on_knapsack_editions(case) -> None:
    assert_no_cheaper_plan(*case)
