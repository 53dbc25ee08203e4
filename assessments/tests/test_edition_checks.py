"""The pure checks of a draft edition: each rule, with a message that says what to fix."""

from __future__ import annotations

from dataclasses import replace

from assessments.core import edition_checks as checks
from assessments.core.edition_checks import (
    ChoiceRow,
    CitationRow,
    EditionRows,
    FigureRow,
    PillarRow,
    PracticeRow,
    QuestionRow,
    TierRow,
)

GOOD_CITATION = CitationRow("chat", "beauty", 69.0, "L2", 2017, "Beauty brands in China")


def good_edition() -> EditionRows:
    return EditionRows(
        pillars=(PillarRow("messaging", 1.0),),
        practices=(PracticeRow("chat", "messaging", 2.0),),
        citations=(GOOD_CITATION,),
        questions=(QuestionRow("chat-q", "chat", "yes_no"),),
        choices=(ChoiceRow("chat-q", "yes", 1.0), ChoiceRow("chat-q", "no", 0.0)),
        tiers=(TierRow("leader", 140.0), TierRow("lagging", 0.0)),
        figures=(FigureRow("618 million internet users", "Annex Cloud", 2014),),
    )


def problems_with(**changes) -> list[str]:
    return checks.edition_problems(replace(good_edition(), **changes))


def test_a_good_edition_has_no_problems():
    assert checks.edition_problems(good_edition()) == []


def test_a_negative_weight_is_named_with_its_row():
    (problem,) = problems_with(
        practices=(PracticeRow("chat", "messaging", 2.0), PracticeRow("pay", "messaging", -1.0))
    )[:1]
    assert "'pay'" in problem and "cannot be negative" in problem


def test_a_pillar_needs_a_practice_with_a_positive_weight():
    problems = problems_with(practices=(PracticeRow("chat", "messaging", 0.0),))
    assert problems == [
        "Pillar 'messaging' has no practice with a positive weight: give one of its practices a "
        "weight above 0 (or add a practice)."
    ]


def test_the_edition_needs_a_pillar_with_a_positive_weight():
    problems = problems_with(pillars=(PillarRow("messaging", 0.0),))
    assert problems == ["Give at least one pillar a positive weight, or nothing is scored."]


def test_a_prevalence_outside_0_to_100_percent_is_refused():
    (problem,) = problems_with(citations=(replace(GOOD_CITATION, percent=120.0),))
    assert "between 0 and 100, not 120" in problem


def test_every_figure_needs_a_publisher_a_year_and_a_population():
    problems = problems_with(
        citations=(replace(GOOD_CITATION, publisher=" ", year=None, population=""),),
        figures=(FigureRow("618 million internet users", "", 2014),),
    )
    assert any("Name the publisher of the figure" in p for p in problems)
    assert any("Give the year of the figure" in p for p in problems)
    assert any("Say whom the figure describes" in p for p in problems)
    assert any(p.startswith("Context figure '618 million") and "publisher" in p for p in problems)


def test_the_tiers_need_a_floor_at_0():
    problems = problems_with(tiers=(TierRow("leader", 140.0), TierRow("lagging", 10.0)))
    assert problems == [
        "Add a tier that starts at 0 (the lowest tier), so that every index gets a tier."
    ]


def test_practice_keys_must_be_unique():
    problems = problems_with(
        practices=(PracticeRow("chat", "messaging", 2.0), PracticeRow("chat", "messaging", 1.0))
    )
    assert "The practice key 'chat' is used 2 times: practice keys must be unique." in problems


def test_every_practice_needs_a_question():
    problems = problems_with(
        practices=(PracticeRow("chat", "messaging", 2.0), PracticeRow("pay", "messaging", 1.0))
    )
    assert problems == ["Practice 'pay' has no question: add one, or brands can never adopt it."]


def test_choice_levels_run_from_0_to_1():
    problems = problems_with(
        choices=(ChoiceRow("chat-q", "yes", 1.5), ChoiceRow("chat-q", "no", 0.0))
    )
    assert problems == [
        "Question 'chat-q': Choice 'yes' has level 1.5: a level is an adoption between 0 (not at "
        "all) and 1 (fully adopted)."
    ]


def test_a_yes_no_question_needs_yes_and_no_and_a_choice_question_needs_choices():
    problems = problems_with(
        questions=(QuestionRow("chat-q", "chat", "yes_no"), QuestionRow("how", "chat", "single")),
        choices=(ChoiceRow("chat-q", "yes", 1.0),),
    )
    assert "Question 'chat-q' is yes/no: its choices must be yes and no." in problems
    assert "Question 'how' has no choices: add its answer levels." in problems


def test_two_benchmark_percentages_for_one_category_are_ambiguous():
    problems = problems_with(citations=(GOOD_CITATION, replace(GOOD_CITATION, percent=80.0)))
    assert problems == [
        "Practice 'chat' has 2 benchmark percentages for beauty: keep one (make the others "
        "supporting evidence)."
    ]


def test_row_checks_key_their_message_by_field():
    assert set(checks.citation_problems(replace(GOOD_CITATION, percent=-1.0))) == {"percent"}
    assert checks.weight_problems(0.0, "x") == {}
    assert set(checks.tier_problems(TierRow("t", -5.0))) == {"min_index"}


def test_a_tier_threshold_has_at_most_one_decimal_as_reports_show_the_index():
    assert checks.tier_problems(TierRow("t", 70.5)) == {}
    assert "at most one decimal" in checks.tier_problems(TierRow("t", 70.25))["min_index"]
