"""Plain, immutable input data for scoring a brand against the China benchmark.

The Django side builds these specs from the database; everything downstream
(validation, benchmark resolution, scoring, recommendations) works on them only,
so the maths can be tested and reasoned about without a database.

Units: benchmark citations hold percentages (0..100); choice levels, practice
adoption and benchmark shares are fractions (0..1).

Each spec checks its own invariants on construction, so bad edition data fails
loudly where it is built instead of producing a silently wrong score later.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from types import MappingProxyType
from typing import TypeGuard, TypeVar, cast

from assessments.core.texts import NO_TEXTS, EditionTexts

# Citations are percentages; shares and levels are fractions of this.
PERCENT_SCALE = 100.0
MIN_LEVEL = 0.0
MAX_LEVEL = 1.0
MIN_EFFORT = 1
YES = "yes"
NO = "no"

_Item = TypeVar("_Item")
_Derived = TypeVar("_Derived")


class QuestionType(StrEnum):
    """How a question is answered, which decides how an answer becomes a level."""

    YES_NO = "yes_no"
    SINGLE = "single"
    MULTIPLE = "multiple"
    PERCENT = "percent"
    FREQUENCY = "frequency"


CHOICE_TYPES = frozenset(
    {QuestionType.YES_NO, QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.FREQUENCY}
)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _is_between(value: float, low: float, high: float) -> bool:
    # Written positively so that NaN (which fails every comparison) is rejected.
    return low <= value <= high


def _unique(keys: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for key in keys:
        _require(key not in seen, f"duplicate {what} key {key!r}")
        seen.add(key)


@dataclass(frozen=True, slots=True)
class ChoiceSpec:
    """One answer option; ``level`` is how far it goes towards full adoption (0..1)."""

    value: str
    label: str
    level: float

    def __post_init__(self) -> None:
        _require(
            _is_between(self.level, MIN_LEVEL, MAX_LEVEL),
            f"choice {self.value!r}: level must be in [0, 1], got {self.level!r}",
        )


@dataclass(frozen=True, slots=True)
class ShownIf:
    """Skip logic: a question is asked only when another question's answer is one of ``values``
    (for a multiple-choice question: when any of them is ticked)."""

    question: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    """A questionnaire question; ``choices`` is empty for PERCENT questions."""

    key: str
    practice: str
    pillar: str
    text: str
    type: QuestionType
    allows_na: bool
    choices: tuple[ChoiceSpec, ...] = ()
    shown_if: ShownIf | None = None
    _choices_by_value: dict[str, ChoiceSpec] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        _unique((choice.value for choice in self.choices), f"choice (question {self.key})")
        if self.type is QuestionType.PERCENT:
            _require(not self.choices, f"question {self.key}: a percent question has no choices")
        else:
            _require(bool(self.choices), f"question {self.key}: needs choices")
        if self.type is QuestionType.YES_NO:
            values = {choice.value for choice in self.choices}
            _require(values == {YES, NO}, f"question {self.key}: choices must be 'yes' and 'no'")
        object.__setattr__(self, "_choices_by_value", {c.value: c for c in self.choices})

    @property
    def choice_values(self) -> tuple[str, ...]:
        """The accepted choice values, in questionnaire order."""
        return tuple(choice.value for choice in self.choices)

    def choice(self, value: str) -> ChoiceSpec:
        """Return the choice with this value; raise KeyError if there is none."""
        return self._choices_by_value[value]

    def has_choice(self, value: object) -> TypeGuard[str]:
        """Tell whether ``value`` is one of this question's choice values."""
        return isinstance(value, str) and value in self._choices_by_value


@dataclass(frozen=True, slots=True)
class CitationSpec:
    """A piece of benchmark evidence.

    ``category`` None means the figure applies to all categories; ``percent`` None
    means qualitative evidence only (e.g. "ubiquitous"), never used as a figure.
    ``observed_brands`` is set on a figure this service observed among that many brands.
    """

    percent: float | None
    statement: str
    publisher: str
    year: int
    population: str
    category: str | None
    note: str = ""
    title: str = ""
    # What the figure counts (core/evidence.PopulationKind) and whether an admin marked a
    # non-brand figure as standing in for a share of brands. Display only: scoring reads percent.
    population_kind: str = "brands"
    is_proxy: bool = False
    url: str = ""
    observed_brands: int | None = None

    def as_json(self) -> dict[str, object]:
        """Every field by name: the evidence a stored recommendation and an explanation keep.

        Shallow, unlike dataclasses.asdict, whose deep copy of each value costs 30 times more
        on the rescoring path (a copied Text is rebuilt through pickle's protocol).
        """
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __post_init__(self) -> None:
        if self.percent is not None:
            _require(
                _is_between(self.percent, 0.0, PERCENT_SCALE),
                f"citation {self.statement!r}: percent must be in [0, 100], got {self.percent!r}",
            )

    @property
    def share(self) -> float | None:
        """The cited percentage as a fraction (0..1), or None for qualitative evidence."""
        return None if self.percent is None else self.percent / PERCENT_SCALE


@dataclass(frozen=True, slots=True)
class PracticeSpec:
    """A social-commerce practice, scored from its questions and benchmarked by its citations."""

    key: str
    pillar: str
    title: str
    recommendation: str
    effort: int
    weight: float
    citations: tuple[CitationSpec, ...]

    def __post_init__(self) -> None:
        _require(self.effort >= MIN_EFFORT, f"practice {self.key}: effort must be >= 1")
        _require(
            _is_between(self.weight, 0.0, math.inf), f"practice {self.key}: weight must be >= 0"
        )
        # Two figures for the same category would make the benchmark ambiguous.
        figure_categories = [c.category for c in self.citations if c.percent is not None]
        _require(
            len(figure_categories) == len(set(figure_categories)),
            f"practice {self.key}: at most one cited percentage per category",
        )


@dataclass(frozen=True, slots=True)
class PillarSpec:
    """A group of practices with its weight in the overall score."""

    key: str
    name: str
    weight: float

    def __post_init__(self) -> None:
        _require(_is_between(self.weight, 0.0, math.inf), f"pillar {self.key}: weight must be >= 0")


@dataclass(frozen=True, slots=True)
class TierSpec:
    """A readiness tier reached when the readiness index is at least ``min_index``."""

    key: str
    name: str
    min_index: float
    summary: str


@dataclass(frozen=True, slots=True)
class EditionSpec:
    """One published version of the questionnaire, its weights, benchmark and tiers.

    Lookups are computed once here, because scoring runs them for every question.
    """

    id: int
    label: str
    pillars: tuple[PillarSpec, ...]
    practices: tuple[PracticeSpec, ...]
    questions: tuple[QuestionSpec, ...]
    tiers: tuple[TierSpec, ...]
    # Display only: the texts above in English and Chinese. Scoring never reads it, so a score
    # is the same whatever the language of the page that asked for it.
    texts: EditionTexts = field(default=NO_TEXTS, repr=False, compare=False)
    # Plain dicts rather than mapping proxies so the edition stays picklable (cache backends).
    _pillars_by_key: dict[str, PillarSpec] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _practices_by_key: dict[str, PracticeSpec] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _questions_by_key: dict[str, QuestionSpec] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _practices_by_pillar: dict[str, tuple[PracticeSpec, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _questions_by_practice: dict[str, tuple[QuestionSpec, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    # Values the pure modules derive from the whole edition (a category's benchmark shares):
    # an edition never changes once built, so each is computed once and kept with it.
    _derived: dict[object, object] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        _unique((pillar.key for pillar in self.pillars), "pillar")
        _unique((practice.key for practice in self.practices), "practice")
        _unique((question.key for question in self.questions), "question")
        _unique((tier.key for tier in self.tiers), "tier")
        pillars = {pillar.key: pillar for pillar in self.pillars}
        practices = {practice.key: practice for practice in self.practices}
        _check_references(self.practices, self.questions, pillars, practices)
        object.__setattr__(self, "_pillars_by_key", pillars)
        object.__setattr__(self, "_practices_by_key", practices)
        object.__setattr__(self, "_questions_by_key", {q.key: q for q in self.questions})
        by_pillar = _group(self.practices, pillars, lambda practice: practice.pillar)
        by_practice = _group(self.questions, practices, lambda question: question.practice)
        object.__setattr__(self, "_practices_by_pillar", by_pillar)
        object.__setattr__(self, "_questions_by_practice", by_practice)

    def pillar(self, key: str) -> PillarSpec:
        """Return the pillar with this key; raise KeyError if there is none."""
        return self._pillars_by_key[key]

    def practice(self, key: str) -> PracticeSpec:
        """Return the practice with this key; raise KeyError if there is none."""
        return self._practices_by_key[key]

    def question(self, key: str) -> QuestionSpec:
        """Return the question with this key; raise KeyError if there is none."""
        return self._questions_by_key[key]

    def has_question(self, key: object) -> bool:
        """Tell whether this edition asks a question with this key."""
        return key in self._questions_by_key

    def practices_in(self, pillar_key: str) -> tuple[PracticeSpec, ...]:
        """Return the practices of a pillar, in edition order (empty if none)."""
        return self._practices_by_pillar.get(pillar_key, ())

    def questions_for(self, practice_key: str) -> tuple[QuestionSpec, ...]:
        """Return the questions of a practice, in edition order (empty if none)."""
        return self._questions_by_practice.get(practice_key, ())

    def derived(self, key: object, compute: Callable[[], _Derived]) -> _Derived:
        """compute() once for this edition and key; later calls return the same value.

        Two threads may both compute it the first time; they compute the same value.
        """
        try:
            # What is stored under a key is what that key's compute() returned.
            return cast(_Derived, self._derived[key])
        except KeyError:
            value = self._derived[key] = compute()
            return value

    @property
    def practices_by_pillar(self) -> Mapping[str, tuple[PracticeSpec, ...]]:
        """Read-only view: pillar key -> its practices, for every pillar."""
        return MappingProxyType(self._practices_by_pillar)

    @property
    def questions_by_practice(self) -> Mapping[str, tuple[QuestionSpec, ...]]:
        """Read-only view: practice key -> its questions, for every practice."""
        return MappingProxyType(self._questions_by_practice)


def _check_references(
    practices: tuple[PracticeSpec, ...],
    questions: tuple[QuestionSpec, ...],
    pillars: Mapping[str, PillarSpec],
    practices_by_key: Mapping[str, PracticeSpec],
) -> None:
    for practice in practices:
        _require(practice.pillar in pillars, f"practice {practice.key}: unknown pillar")
    for question in questions:
        owner = practices_by_key.get(question.practice)
        if owner is None:
            raise ValueError(f"question {question.key}: unknown practice")
        _require(
            owner.pillar == question.pillar,
            f"question {question.key}: pillar differs from its practice's pillar",
        )


def _group(
    items: tuple[_Item, ...], parents: Mapping[str, object], parent_of: Callable[[_Item], str]
) -> dict[str, tuple[_Item, ...]]:
    """Group items under their parent key, keeping edition order; every parent gets an entry."""
    grouped: dict[str, list[_Item]] = {key: [] for key in parents}
    for item in items:
        grouped[parent_of(item)].append(item)
    return {key: tuple(members) for key, members in grouped.items()}
