"""Validate raw questionnaire answers and turn answers into adoption levels (0..1).

Raw answers come from forms and JSON, so validation is lenient about *shape*
(bools for yes/no, numeric strings for percentages) but strict about *meaning*,
and it reports every problem at once so a user can fix a whole form in one go.
``None`` always means "not applicable" (N/A).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import cast

from assessments.core.skip import hidden_questions, skip_problems
from assessments.core.specs import (
    MAX_LEVEL,
    NO,
    PERCENT_SCALE,
    YES,
    EditionSpec,
    QuestionSpec,
    QuestionType,
)


def gettext_noop(message: str) -> str:
    """Mark a message for the catalogue without translating it (Django's name, no import)."""
    return message


NOT_ANSWERED = gettext_noop("not answered yet")
NO_SUCH_QUESTION = gettext_noop("no such question in this questionnaire")
NA_NOT_ALLOWED = gettext_noop("this question cannot be answered 'not applicable'")
PERCENT_PROMPT = gettext_noop("enter a percentage from 0 to 100")
# Plain decimal notation only: float() alone would also take "nan", "inf", "1_0" and "1e2".
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


# What people type in a percentage field besides the number: a percent sign, a decimal comma
# ("40,5", as in most of Europe), spaces, and full-width digits from a Chinese input method.
_TYPED_PERCENT_SIGNS = ("%", "\uff05")


def typed_percent(text: str) -> str:
    """The number in a typed percentage ("50%", "40,5", "\uff15\uff10\uff05" -> "50", "40.5", "50").

    Anything else is returned as typed (stripped), for the usual validation to refuse.
    """
    value = unicodedata.normalize("NFKC", text).strip()
    for sign in _TYPED_PERCENT_SIGNS:
        value = value.removesuffix(sign).rstrip()
    if value.count(",") == 1 and "." not in value:
        value = value.replace(",", ".")
    return value


class AnswerErrors(ValueError):
    """Raised with every invalid answer at once: ``errors`` maps question key -> message.

    ``problems`` maps the same keys to (template, params), for callers that show the message in
    another language: ``gettext(template) % params`` (the templates are marked for the catalogue).
    """

    def __init__(
        self,
        errors: Mapping[str, str],
        problems: Mapping[str, tuple[str, Mapping[str, object]]] | None = None,
    ) -> None:
        self.errors: dict[str, str] = dict(errors)
        self.problems = dict(problems or {})
        super().__init__("; ".join(self.errors.values()))


class InvalidAnswer(ValueError):
    """One answer's problem, in plain language, without the question key.

    ``template % params`` is the English message; pages translate ``template`` (marked for the
    catalogue) and fill in the same params.
    """

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)


def validate_answers(
    edition: EditionSpec,
    raw: Mapping[str, object],
    *,
    complete: bool,
    saved: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """Return the normalized answers, or raise AnswerErrors listing every problem.

    With ``complete`` every question of the edition that the answers ask (skip logic) must be
    answered (N/A counts as an answer where allowed); without it, only the answers given are
    checked. ``saved`` are the answers already stored beside these, which skip logic reads too:
    an answer to a question they do not ask is refused, naming the question that decides.
    Keys of the result follow questionnaire order.
    """
    values: dict[str, object] = {}
    problems: dict[str, InvalidAnswer] = {}
    missing = []
    for question in edition.questions:
        if question.key not in raw:
            missing.append(question.key)
            continue
        try:
            values[question.key] = normalize_answer(question, raw[question.key])
        except InvalidAnswer as problem:
            problems[question.key] = problem
    merged = {**(saved or {}), **values}
    for key, (template, params) in skip_problems(edition, merged, values).items():
        problems[key] = InvalidAnswer(template, **params)
    if complete:
        hidden = hidden_questions(edition, merged)
        for key in missing:
            if key not in hidden and key not in (saved or {}):
                problems[key] = InvalidAnswer(NOT_ANSWERED)
    for key in sorted(str(key) for key in raw if not edition.has_question(key)):
        problems[key] = InvalidAnswer(NO_SUCH_QUESTION)
    if problems:
        ordered = {q.key: problems[q.key] for q in edition.questions if q.key in problems}
        problems = ordered | problems
        raise AnswerErrors(
            {key: f"{key}: {problem}" for key, problem in problems.items()},
            {key: (problem.template, problem.params) for key, problem in problems.items()},
        )
    return values


def normalize_answer(question: QuestionSpec, value: object) -> object:
    """Return one answer in canonical form; raise InvalidAnswer (plain language) if invalid."""
    if value is None:
        if not question.allows_na:
            raise InvalidAnswer(NA_NOT_ALLOWED)
        return None
    return _NORMALIZERS[question.type](question, value)


def answer_json(value: object) -> object:
    """An answer as JSON holds it: multiple choices (a tuple once validated) as a list."""
    return list(value) if isinstance(value, tuple) else value


def answer_level(question: QuestionSpec, value: object) -> float | None:
    """Return how far a validated answer goes towards full adoption (0..1); None for N/A.

    A multiple-choice level is the capped sum of the chosen levels, so choosing
    more can never lower it. A choice the question does not offer (e.g. an old
    answer rescored on a later edition) raises InvalidAnswer naming the question.
    """
    if value is None:
        return None
    if question.type is QuestionType.PERCENT:
        return cast(float, value) / PERCENT_SCALE
    if question.type is QuestionType.MULTIPLE:
        chosen = cast(tuple[str, ...], value)
        return min(MAX_LEVEL, sum((_choice_level(question, item) for item in chosen), 0.0))
    return _choice_level(question, value)


def _choice_level(question: QuestionSpec, value: object) -> float:
    if not question.has_choice(value):
        raise InvalidAnswer(
            gettext_noop("%(question)s: %(value)r is not a choice of this question"),
            question=question.key,
            value=value,
        )
    return question.choice(value).level


def _normalize_yes_no(question: QuestionSpec, value: object) -> str:
    if isinstance(value, bool):
        return YES if value else NO
    if value in (YES, NO):
        return str(value)
    raise InvalidAnswer(gettext_noop("answer yes or no"))


def _normalize_choice(question: QuestionSpec, value: object) -> str:
    if question.has_choice(value):
        return str(value)
    raise InvalidAnswer(
        gettext_noop("choose one of: %(options)s"), options=", ".join(question.choice_values)
    )


def _normalize_multiple(question: QuestionSpec, value: object) -> tuple[str, ...]:
    options = ", ".join(question.choice_values)
    # A bare string is iterable too, but "abc" would silently become three choices.
    if not isinstance(value, (list, tuple)):
        raise InvalidAnswer(
            gettext_noop("give a list of choices from: %(options)s"), options=options
        )
    unknown = [item for item in value if not question.has_choice(item)]
    if unknown:
        raise InvalidAnswer(
            gettext_noop("%(unknown)s not among the choices: %(options)s"),
            unknown=", ".join(map(repr, unknown)),
            options=options,
        )
    if len(set(value)) != len(value):
        raise InvalidAnswer(gettext_noop("choose each option at most once"))
    return tuple(sorted(value))


def _normalize_percent(question: QuestionSpec, value: object) -> float:
    number = _as_number(value)
    if number is None or not 0.0 <= number <= PERCENT_SCALE:
        raise InvalidAnswer(PERCENT_PROMPT)
    return number


def _as_number(value: object) -> float | None:
    # bool is an int subclass, but True is not "1 percent".
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:  # an int too large for a float is out of range anyway
            return None
        return number if math.isfinite(number) else None
    if isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        return float(value)
    return None


_NORMALIZERS: dict[QuestionType, Callable[[QuestionSpec, object], object]] = {
    QuestionType.YES_NO: _normalize_yes_no,
    QuestionType.SINGLE: _normalize_choice,
    QuestionType.FREQUENCY: _normalize_choice,
    QuestionType.MULTIPLE: _normalize_multiple,
    QuestionType.PERCENT: _normalize_percent,
}
