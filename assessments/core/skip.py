"""PURE: skip logic. A question with ``shown_if`` is asked only when another answer allows it.

One rule for every path: the step page hides such a question, the services clear its answer and
refuse one sent anyway (naming both questions), and scoring counts it as not applicable.
A question whose controlling question is itself hidden is hidden too; an unanswered controlling
question hides it (the brand has not said yet that it applies).
"""

from __future__ import annotations

from collections.abc import Mapping

from assessments.core.specs import EditionSpec, QuestionSpec


def has_skip_logic(edition: EditionSpec) -> bool:
    return any(q.shown_if is not None for q in edition.questions)


def hidden_questions(edition: EditionSpec, answers: Mapping[str, object]) -> frozenset[str]:
    """The keys of the questions these answers do not ask."""
    if not has_skip_logic(edition):
        return frozenset()
    memo: dict[str, bool] = {}
    return frozenset(
        q.key for q in edition.questions if _is_hidden(edition, q, answers, memo, frozenset())
    )


def _is_hidden(
    edition: EditionSpec,
    question: QuestionSpec,
    answers: Mapping[str, object],
    memo: dict[str, bool],
    seen: frozenset[str],
) -> bool:
    if question.key in memo:
        return memo[question.key]
    condition = question.shown_if
    # A cycle or a dangling reference (refused by the edition check) leaves the question shown.
    if condition is None or question.key in seen or not edition.has_question(condition.question):
        hidden = False
    else:
        controlling = edition.question(condition.question)
        hidden = _is_hidden(edition, controlling, answers, memo, seen | {question.key}) or not (
            allows(answers.get(condition.question), condition.values)
        )
    memo[question.key] = hidden
    return hidden


def allows(answer: object, values: tuple[str, ...]) -> bool:
    """Whether an answer is one that shows the question (N/A and no answer never do)."""
    if answer is None:
        return False
    if isinstance(answer, list | tuple):
        return any(item in values for item in answer)
    return answer in values


def applicable(edition: EditionSpec, answers: Mapping[str, object]) -> Mapping[str, object]:
    """The answers as scoring reads them: a hidden question is not applicable (None)."""
    hidden = hidden_questions(edition, answers)
    if not hidden:
        return answers
    return {**answers, **dict.fromkeys(hidden)}


def skip_problems(
    edition: EditionSpec, answers: Mapping[str, object], given: Mapping[str, object]
) -> dict[str, tuple[str, dict[str, object]]]:
    """The answers in ``given`` to questions that ``answers`` (all of them, saved and given)
    hide: key -> (message template, params), the message naming both questions."""
    hidden = hidden_questions(edition, answers)
    problems: dict[str, tuple[str, dict[str, object]]] = {}
    for key, value in given.items():
        if key in hidden and value is not None:
            condition = edition.question(key).shown_if
            assert condition is not None  # only a question with a condition can be hidden
            problems[key] = (
                SKIPPED,
                {"other": condition.question, "values": ", ".join(condition.values)},
            )
    return problems


def gettext_noop(message: str) -> str:
    """Mark a message for the catalogue without translating it (Django's name, no import)."""
    return message


SKIPPED = gettext_noop(
    "not asked with the answer to %(other)s (it is asked only when %(other)s is one of: "
    "%(values)s); leave it out or send null"
)
