"""Answer validation and answer levels, on the example edition and on random editions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.core.answers import AnswerErrors, answer_level, typed_percent, validate_answers
from assessments.core.specs import EditionSpec
from assessments.tests.edition_builders import (
    EXAMPLE_ANSWERS,
    answers_for,
    editions,
    example_edition,
)

EXAMPLE = example_edition()


def errors_of(raw: dict[str, object], *, complete: bool = False) -> dict[str, str]:
    """The error messages validation reports for ``raw`` (fails the test if it accepts it)."""
    with pytest.raises(AnswerErrors) as caught:
        validate_answers(EXAMPLE, raw, complete=complete)
    return caught.value.errors


def test_a_complete_valid_questionnaire_is_returned_in_questionnaire_order() -> None:
    cleaned = validate_answers(EXAMPLE, dict(reversed(EXAMPLE_ANSWERS.items())), complete=True)
    assert cleaned == EXAMPLE_ANSWERS
    assert list(cleaned) == [q.key for q in EXAMPLE.questions]


@pytest.mark.parametrize(("raw", "expected"), [(True, "yes"), (False, "no"), ("no", "no")])
def test_yes_no_takes_booleans_and_words(raw: object, expected: str) -> None:
    assert validate_answers(EXAMPLE, {"ls_kol": raw}, complete=False) == {"ls_kol": expected}


@pytest.mark.parametrize("raw", ["Yes", "true", 1, ["yes"]])
def test_yes_no_rejects_anything_else(raw: object) -> None:
    assert errors_of({"ls_kol": raw}) == {"ls_kol": "ls_kol: answer yes or no"}


def test_single_choice_error_lists_the_choices() -> None:
    assert errors_of({"msg_account": "sometimes"}) == {
        "msg_account": "msg_account: choose one of: no, dormant, active"
    }


def test_frequency_takes_a_choice_value() -> None:
    assert validate_answers(EXAMPLE, {"msg_frequency": "monthly"}, complete=False) == {
        "msg_frequency": "monthly"
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(["own", "douyin"], ("douyin", "own")), ((), ()), (("taobao",), ("taobao",))],
)
def test_multiple_choice_takes_distinct_values_and_sorts_them(
    raw: object, expected: tuple[str, ...]
) -> None:
    assert validate_answers(EXAMPLE, {"ls_channels": raw}, complete=False) == {
        "ls_channels": expected
    }


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("douyin", "give a list of choices from: douyin, taobao, own"),
        (["douyin", "douyin"], "choose each option at most once"),
        (["douyin", "wechat"], "'wechat' not among the choices: douyin, taobao, own"),
        ([["douyin"]], "not among the choices"),
    ],
)
def test_multiple_choice_rejects_strings_repeats_and_unknown_values(
    raw: object, fragment: str
) -> None:
    message = errors_of({"ls_channels": raw})["ls_channels"]
    assert message.startswith("ls_channels: ")
    assert fragment in message


@pytest.mark.parametrize(
    ("raw", "expected"), [(0, 0.0), (100, 100.0), (12.5, 12.5), (" 42 ", 42.0), ("7.25", 7.25)]
)
def test_percent_takes_numbers_and_numeric_strings_from_0_to_100(
    raw: object, expected: float
) -> None:
    cleaned = validate_answers(EXAMPLE, {"pay_share": raw}, complete=False)
    assert cleaned == {"pay_share": expected}
    assert type(cleaned["pay_share"]) is float


@pytest.mark.parametrize(
    "raw", [True, False, -1, 100.5, float("nan"), float("inf"), "nan", "1e2", "abc", "", 10**400]
)
def test_percent_rejects_booleans_out_of_range_and_non_numbers(raw: object) -> None:
    assert errors_of({"pay_share": raw}) == {
        "pay_share": "pay_share: enter a percentage from 0 to 100"
    }


def test_not_applicable_is_accepted_only_where_the_question_allows_it() -> None:
    assert validate_answers(EXAMPLE, {"gb_offer": None}, complete=False) == {"gb_offer": None}
    assert errors_of({"ls_kol": None}) == {
        "ls_kol": "ls_kol: this question cannot be answered 'not applicable'"
    }


def test_unknown_questions_are_errors() -> None:
    assert errors_of({"xyz": "yes"}) == {"xyz": "xyz: no such question in this questionnaire"}


def test_a_complete_questionnaire_needs_every_question() -> None:
    partial = {key: value for key, value in EXAMPLE_ANSWERS.items() if key != "pay_share"}
    assert errors_of(partial, complete=True) == {"pay_share": "pay_share: not answered yet"}
    assert "pay_share" not in validate_answers(EXAMPLE, partial, complete=False)


def test_every_error_is_reported_at_once() -> None:
    raw = {**EXAMPLE_ANSWERS, "ls_kol": "maybe", "pay_share": 200, "xyz": 1}
    del raw["msg_account"]
    errors = errors_of(raw, complete=True)
    assert set(errors) == {"ls_kol", "pay_share", "xyz", "msg_account"}


def test_an_empty_complete_questionnaire_reports_every_question_even_those_allowing_na() -> None:
    assert errors_of({}, complete=True).keys() == {q.key for q in EXAMPLE.questions}


def test_answer_errors_is_a_value_error_whose_message_joins_every_error() -> None:
    error = AnswerErrors({"a": "a: one", "b": "b: two"})
    assert isinstance(error, ValueError)
    assert str(error) == "a: one; b: two"


@pytest.mark.parametrize(
    ("key", "value", "level"),
    [
        ("gb_offer", None, None),
        ("ls_kol", "yes", 1.0),
        ("msg_account", "dormant", 0.5),
        ("msg_frequency", "monthly", 0.5),
        ("ls_channels", (), 0.0),
        ("ls_channels", ("douyin", "own"), 0.75),
        ("ls_channels", ("douyin", "own", "taobao"), 1.0),  # 1.25 capped at full adoption
        ("pay_share", 60.0, 0.6),
    ],
)
def test_answer_level_per_question_type(key: str, value: object, level: float | None) -> None:
    assert answer_level(EXAMPLE.question(key), value) == level


@given(st.data())
def test_validated_answers_validate_again_unchanged_with_levels_from_0_to_1(
    data: st.DataObject,
) -> None:
    edition_spec: EditionSpec = data.draw(editions())
    answers = data.draw(answers_for(edition_spec))
    cleaned = validate_answers(edition_spec, answers, complete=False)
    assert validate_answers(edition_spec, cleaned, complete=False) == cleaned
    for key, value in cleaned.items():
        level = answer_level(edition_spec.question(key), value)
        assert (level is None) == (value is None)
        assert level is None or 0.0 <= level <= 1.0


# A small alphabet keeps text generation fast and still hits real choice values.
words = st.text(alphabet="abdegilnosuyw ", max_size=6)
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    words,
    st.lists(st.one_of(words, st.integers()), max_size=3),
    st.dictionaries(words, st.integers(), max_size=2),
)


def outcome(raw: dict) -> tuple[dict[str, object], dict[str, str]]:
    """(cleaned answers, {}) if validation accepts ``raw``, else ({}, its errors)."""
    try:
        return validate_answers(EXAMPLE, raw, complete=False), {}
    except AnswerErrors as rejected:
        return {}, rejected.errors


@given(st.dictionaries(st.sampled_from([q.key for q in EXAMPLE.questions] + ["xyz"]), junk))
def test_any_input_is_either_accepted_or_rejected_with_answer_errors(raw: dict) -> None:
    cleaned, errors = outcome(raw)
    if errors:
        assert errors.keys() <= raw.keys()
        assert all(message.startswith(f"{key}: ") for key, message in errors.items())
    else:
        assert cleaned.keys() == raw.keys()


@pytest.mark.parametrize(
    "typed, number",
    [
        ("50%", "50"),
        ("50 %", "50"),
        ("40,5", "40.5"),
        ("\uff15\uff10", "50"),  # full-width digits from a Chinese input method
        ("\uff14\uff10\uff0e\uff15\uff05", "40.5"),
        (" 7 ", "7"),
        ("1,000.5", "1,000.5"),  # left as typed, for the usual check to refuse
        ("abc", "abc"),
    ],
)
def test_a_typed_percentage_is_read_as_people_write_it(typed: str, number: str) -> None:
    assert typed_percent(typed) == number
