"""Skip logic: a question asked only when another answer allows it, the same rule everywhere."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assessments.core import edition_checks as checks
from assessments.core.answers import AnswerErrors, validate_answers
from assessments.core.scoring import score
from assessments.core.skip import applicable, hidden_questions
from assessments.core.specs import ShownIf
from assessments.tests.edition_builders import EXAMPLE_ANSWERS, example_edition


def with_skip_logic(**conditions: ShownIf):
    spec = example_edition()
    questions = tuple(
        replace(q, shown_if=conditions[q.key]) if q.key in conditions else q for q in spec.questions
    )
    return replace(spec, questions=questions)


ACCOUNT_EXISTS = ShownIf("msg_account", ("dormant", "active"))
SKIP = with_skip_logic(msg_frequency=ACCOUNT_EXISTS)


def test_a_question_is_hidden_until_the_answer_it_depends_on_allows_it():
    assert hidden_questions(SKIP, {"msg_account": "no"}) == {"msg_frequency"}
    assert hidden_questions(SKIP, {}) == {"msg_frequency"}  # not said yet that it applies
    assert hidden_questions(SKIP, {"msg_account": "active"}) == set()


def test_a_question_behind_a_hidden_question_is_hidden_too():
    chained = with_skip_logic(
        msg_frequency=ACCOUNT_EXISTS, gb_offer=ShownIf("msg_frequency", ("weekly",))
    )
    answers = {"msg_account": "no", "msg_frequency": "weekly"}
    assert hidden_questions(chained, answers) == {"msg_frequency", "gb_offer"}


def test_multiple_choice_conditions_are_met_by_any_ticked_value():
    spec = with_skip_logic(pay_share=ShownIf("ls_channels", ("taobao",)))
    assert "pay_share" not in hidden_questions(spec, {"ls_channels": ["douyin", "taobao"]})
    assert "pay_share" in hidden_questions(spec, {"ls_channels": ["douyin"]})


def test_a_hidden_question_scores_as_not_applicable_whatever_was_stored():
    stored = EXAMPLE_ANSWERS | {"msg_account": "no", "msg_frequency": "never"}
    as_na = EXAMPLE_ANSWERS | {"msg_account": "no", "msg_frequency": None}
    assert score(SKIP, "beauty", stored) == score(SKIP, "beauty", as_na)
    assert score(SKIP, "beauty", stored) != score(example_edition(), "beauty", stored)
    assert applicable(SKIP, stored)["msg_frequency"] is None


def test_an_answer_to_a_hidden_question_is_refused_naming_both_questions():
    with pytest.raises(AnswerErrors) as caught:
        validate_answers(SKIP, {"msg_account": "no", "msg_frequency": "weekly"}, complete=False)
    message = caught.value.errors["msg_frequency"]
    assert "msg_frequency" in message and "msg_account" in message


def test_the_rule_reads_answers_saved_before_as_well():
    saved = {"msg_account": "no"}
    with pytest.raises(AnswerErrors):
        validate_answers(SKIP, {"msg_frequency": "weekly"}, complete=False, saved=saved)
    ok = validate_answers(
        SKIP, {"msg_frequency": "weekly"}, complete=False, saved={"msg_account": "active"}
    )
    assert ok == {"msg_frequency": "weekly"}


def test_a_complete_questionnaire_does_not_need_the_hidden_questions():
    answers = {k: v for k, v in EXAMPLE_ANSWERS.items() if k != "msg_frequency"}
    answers["msg_account"] = "no"
    assert "msg_frequency" not in validate_answers(SKIP, answers, complete=True)
    with pytest.raises(AnswerErrors):
        validate_answers(SKIP, answers | {"msg_account": "active"}, complete=True)


def _rows(*questions: checks.QuestionRow) -> checks.EditionRows:
    choices = (
        checks.ChoiceRow("a", "none", 0.0),
        checks.ChoiceRow("a", "some", 1.0),
        checks.ChoiceRow("b", "yes", 1.0),
        checks.ChoiceRow("b", "no", 0.0),
    )
    return checks.EditionRows(questions=questions, choices=choices)


def test_the_edition_check_refuses_skip_logic_that_points_at_a_missing_question():
    rows = _rows(checks.QuestionRow("a", "p", "single", "ghost", ("yes",)))
    assert any(
        "'ghost', which this edition does not have" in p for p in checks.edition_problems(rows)
    )


def test_the_edition_check_refuses_values_the_question_does_not_offer():
    rows = _rows(
        checks.QuestionRow("a", "p", "single"),
        checks.QuestionRow("b", "p", "yes_no", "a", ("maybe",)),
    )
    assert any("'maybe'" in p for p in checks.edition_problems(rows))


def test_the_edition_check_refuses_skip_logic_that_goes_round_in_a_circle():
    rows = _rows(
        checks.QuestionRow("a", "p", "single", "b", ("yes",)),
        checks.QuestionRow("b", "p", "yes_no", "a", ("some",)),
    )
    circles = [p for p in checks.edition_problems(rows) if "circle" in p]
    assert len(circles) == 1 and "a -> b -> a" in circles[0]
