"""How answers and evidence are worded for a manager: pure, no database."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assessments.core import presentation
from assessments.core.specs import ChoiceSpec, QuestionSpec, QuestionType


def cite(percent, category, statement="s", publisher="L2", year=2017):
    return SimpleNamespace(
        percent=percent, category=category, statement=statement, publisher=publisher, year=year
    )


def test_the_benchmark_shown_is_the_category_figure_then_all_categories_then_qualitative():
    beauty = cite(69, "beauty", "69% of Beauty brands live stream.")
    everyone = cite(40, None)
    words = cite(None, None, "Ubiquitous in China.")
    assert presentation.benchmark_citation([words, everyone, beauty], "beauty") is beauty
    assert presentation.benchmark_citation([words, everyone, beauty], "cpg") is everyone
    assert presentation.benchmark_citation([words, beauty], "cpg") is words
    assert presentation.benchmark_citation([], "cpg") is None


def test_a_citation_reads_as_figure_source_and_year():
    text = presentation.citation_text(cite(69, "beauty", "69% of Beauty brands live stream."))
    assert text == "69% of Beauty brands live stream — L2, 2017"


QUESTION = QuestionSpec(
    key="q",
    practice="p",
    pillar="x",
    text="?",
    type=QuestionType.MULTIPLE,
    allows_na=True,
    choices=(ChoiceSpec("a", "Alipay", 0.5), ChoiceSpec("w", "WeChat Pay", 0.5)),
)
PERCENT = QuestionSpec(
    key="p", practice="p", pillar="x", text="?", type=QuestionType.PERCENT, allows_na=True
)


@pytest.mark.parametrize(
    ("question", "value", "answered", "shown"),
    [
        (QUESTION, ["a", "w"], True, "Alipay, WeChat Pay"),
        (QUESTION, [], True, "None of these"),
        (QUESTION, None, True, "Not applicable"),
        (QUESTION, None, False, "Not answered yet"),
        (PERCENT, 45.0, True, "45%"),
        (PERCENT, 12.5, True, "12.5%"),
    ],
)
def test_answers_are_shown_in_words(question, value, answered, shown):
    assert presentation.display_answer(question, value, answered=answered) == shown


@pytest.mark.parametrize(("value", "text"), [(4.2, "+4"), (-12.4, "-12"), (0.2, "0"), (None, "")])
def test_signed_numbers(value, text):
    assert presentation.signed(value) == text
