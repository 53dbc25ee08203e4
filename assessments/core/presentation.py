"""PURE: how the questionnaire and the report put answers and evidence into a manager's words.

No Django import: these take specs and plain values, so they are tested without a database.
Their English words are marked with ``gettext_noop`` (a local no-op that `makemessages` finds);
the Django side translates them when it shows them (``words=gettext``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Protocol, TypeVar

from assessments.core.formats import ENGLISH, Style
from assessments.core.skip import hidden_questions
from assessments.core.specs import ChoiceSpec, EditionSpec, QuestionSpec, QuestionType


def gettext_noop(message: str) -> str:
    """Mark a message for the catalogue without translating it (Django's name, no import)."""
    return message


def _same(message: str) -> str:
    return message


NOT_APPLICABLE = gettext_noop("Not applicable")
NOT_ANSWERED = gettext_noop("Not answered yet")
NONE_OF_THESE = gettext_noop("None of these")

# What a recommendation's benchmark basis means for the figure shown beside it.
BASIS_NOTES = {
    "category": "",
    "all_categories": gettext_noop("figure for brands of all categories"),
    "other_categories": gettext_noop("benchmark estimated from other categories"),
    "pillar_average": gettext_noop("benchmark estimated from the other practices of this pillar"),
    "edition_average": gettext_noop("benchmark estimated from the average of the whole benchmark"),
    "none": gettext_noop("no benchmark figure"),
}


# The one rounding rule for the readiness index, on every page, export and PDF: one decimal,
# rounded down. The tier comes from the unrounded index and tier thresholds have at most one
# decimal (edition_checks.tier_problems), so the shown index always lies in the shown tier:
# 69.96 shows 69.9 beside "Lagging (under 70)", never 70.
INDEX_STEP = Decimal("0.1")


def shown_index(index: float | None) -> float | None:
    """The readiness index as shown: one decimal, rounded down (69.96 -> 69.9, 70.0 -> 70.0).

    Rounded from the float's shortest decimal form, so that 70.3 stays 70.3 rather than
    falling to 70.2 through binary representation error.
    """
    if index is None:
        return None
    return float(Decimal(repr(float(index))).quantize(INDEX_STEP, rounding=ROUND_FLOOR))


def index_text(index: float | None) -> str:
    """The index as text by the rule above ("69.9"); "" when there is none."""
    shown = shown_index(index)
    return "" if shown is None else f"{shown:.1f}"


class CitationLike(Protocol):
    # Read-only, so a model row (whose percent is a Decimal) is one as well as a spec.
    @property
    def percent(self) -> object: ...
    @property
    def category(self) -> object: ...
    @property
    def statement(self) -> str: ...
    @property
    def publisher(self) -> str: ...
    @property
    def year(self) -> int: ...


Cited = TypeVar("Cited", bound=CitationLike)


def _category_key(citation: CitationLike) -> str | None:
    # A spec's category is its slug, or None for all categories.
    return citation.category if isinstance(citation.category, str) else None


def benchmark_citation(
    citations: Iterable[Cited],
    category: str | None,
    key: Callable[[Cited], str | None] = _category_key,
) -> Cited | None:
    """The benchmark citation to show beside a question, most specific first.

    The figure for the assessment's category, else the all-category figure, else the first
    qualitative statement. ``key`` reads a citation's category slug (None: all categories).
    """
    citations = list(citations)
    preferences: tuple[Callable[[Cited], bool], ...] = (
        lambda c: c.percent is not None and category is not None and key(c) == category,
        lambda c: c.percent is not None and key(c) is None,
        lambda c: c.percent is None,
    )
    for wanted in preferences:
        found = next((c for c in citations if wanted(c)), None)
        if found is not None:
            return found
    return None


def citation_text(citation: CitationLike) -> str:
    """'69% of Beauty brands in L2's Index live stream content — L2 Inc., 2017'."""
    statement = citation.statement.rstrip(". ")
    return f"{statement} — {citation.publisher}, {citation.year}"


def display_answer(
    question: QuestionSpec,
    value: object,
    *,
    answered: bool = True,
    words: Callable[[str], str] = _same,
    label: Callable[[QuestionSpec, ChoiceSpec], str] = lambda q, c: c.label,
    style: Style = ENGLISH,
) -> str:
    """A saved answer as a person reads it: choice labels, '45%', 'Not applicable'.

    ``words`` translates this module's own words, ``label`` gives a choice's label in the
    reader's language, ``style`` writes figures and lists the reader's way (微信支付、支付宝);
    all default to English.
    """
    if not answered:
        return words(NOT_ANSWERED)
    if value is None:
        return words(NOT_APPLICABLE)
    if question.type is QuestionType.PERCENT and isinstance(value, int | float):
        return style.percent(float(value))
    if question.type is QuestionType.MULTIPLE and isinstance(value, list | tuple):
        chosen = [label(question, question.choice(v)) for v in value if question.has_choice(v)]
        return style.items(chosen) or words(NONE_OF_THESE)
    return label(question, question.choice(value)) if question.has_choice(value) else str(value)


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a manager is in the questionnaire: step k of n, answered of total."""

    step_number: int
    step_count: int
    answered: int
    total: int
    previous_step: str | None
    next_step: str | None

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


def steps(edition: EditionSpec) -> list[str]:
    """The questionnaire's steps (pillar keys), in order; a pillar without questions is skipped."""
    asked = {q.pillar for q in edition.questions}
    return [p.key for p in edition.pillars if p.key in asked]


def progress(edition: EditionSpec, step: str, answered_keys: Iterable[str]) -> Progress:
    """Progress at a step; raises ValueError for a step the questionnaire does not have."""
    order = steps(edition)
    i = order.index(step)
    hidden = hidden_questions(edition, answered_keys) if isinstance(answered_keys, Mapping) else ()
    asked = {q.key for q in edition.questions if q.key not in hidden}
    return Progress(
        step_number=i + 1,
        step_count=len(order),
        answered=len(asked & set(answered_keys)),
        total=len(asked),
        previous_step=order[i - 1] if i > 0 else None,
        next_step=order[i + 1] if i + 1 < len(order) else None,
    )


def questions_of(edition: EditionSpec, step: str) -> list[QuestionSpec]:
    return [q for q in edition.questions if q.pillar == step]


def unanswered(edition: EditionSpec, answers: Mapping[str, object]) -> list[QuestionSpec]:
    """The questions still to answer; those that skip logic hides are not asked."""
    hidden = hidden_questions(edition, answers)
    return [q for q in edition.questions if q.key not in answers and q.key not in hidden]


def signed(value: float | None, digits: int = 0) -> str:
    """'+4', '-12', '0' for a change or gap; '' when unknown."""
    if value is None:
        return ""
    text = f"{value:+.{digits}f}"
    return "0" if text in ("+0", "-0") else text


def pillar_counts(
    edition: EditionSpec, answers: Mapping[str, object]
) -> Sequence[tuple[str, int, int]]:
    """(pillar key, answered, asked) for every step, for the step list beside the form."""
    out = []
    hidden = hidden_questions(edition, answers)
    for key in steps(edition):
        asked = [q for q in questions_of(edition, key) if q.key not in hidden]
        out.append((key, sum(q.key in answers for q in asked), len(asked)))
    return out
