"""Editions and answers for the pure-module tests: hypothesis strategies and hand-built examples.

No Django here: these build the plain specs the scoring modules take.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

from assessments.core.specs import (
    NO,
    YES,
    ChoiceSpec,
    CitationSpec,
    EditionSpec,
    PillarSpec,
    PracticeSpec,
    QuestionSpec,
    QuestionType,
    TierSpec,
)

CATEGORIES = ("beauty", "food", "apparel")
# The first edition's tiers (after L2's Digital IQ Index classes).
TIERS = (
    TierSpec("genius", "Genius", 140.0, "Ahead of the China benchmark."),
    TierSpec("gifted", "Gifted", 110.0, "Above the China benchmark."),
    TierSpec("average", "Average", 90.0, "On par with the China benchmark."),
    TierSpec("challenged", "Challenged", 70.0, "Behind the China benchmark."),
    TierSpec("feeble", "Feeble", 0.0, "Far behind the China benchmark."),
)


# --- small hand-written builders -------------------------------------------------------------


def citation(
    percent: float | None, category: str | None = None, statement: str = ""
) -> CitationSpec:
    """A citation with filler source fields; the statement defaults to a readable summary."""
    text = statement or f"{percent}% of {category or 'all'} brands"
    return CitationSpec(percent, text, "Test publisher", 2024, "Top brands on Tmall", category)


def practice(
    key: str,
    pillar: str,
    *,
    weight: float = 1.0,
    effort: int = 1,
    citations: Sequence[CitationSpec] = (),
) -> PracticeSpec:
    """A practice whose title and recommendation are derived from its key."""
    return PracticeSpec(
        key, pillar, key.replace("_", " ").title(), f"Do {key}.", effort, weight, tuple(citations)
    )


def question(
    key: str,
    owner: PracticeSpec,
    type_: QuestionType,
    levels: Sequence[tuple[str, float]] = (),
    *,
    allows_na: bool = False,
) -> QuestionSpec:
    """A question of ``owner`` with choices given as (value, level) pairs."""
    choices = tuple(ChoiceSpec(value, value.title(), level) for value, level in levels)
    return QuestionSpec(key, owner.key, owner.pillar, f"{key}?", type_, allows_na, choices)


def yes_no(key: str, owner: PracticeSpec, *, allows_na: bool = False) -> QuestionSpec:
    """A yes/no question where yes is full adoption."""
    return question(key, owner, QuestionType.YES_NO, ((NO, 0.0), (YES, 1.0)), allows_na=allows_na)


def edition(
    pillars: Sequence[PillarSpec],
    practices: Sequence[PracticeSpec],
    questions: Sequence[QuestionSpec],
    tiers: Sequence[TierSpec] = TIERS,
) -> EditionSpec:
    """An edition with id 1 from the given parts."""
    return EditionSpec(
        1, "Test edition", tuple(pillars), tuple(practices), tuple(questions), tuple(tiers)
    )


# --- the hand-built example edition ----------------------------------------------------------

REACH = PillarSpec("reach", "Social reach", 2.0)
CONVERT = PillarSpec("convert", "Conversion", 1.0)
MESSAGING = practice(
    "messaging",
    "reach",
    weight=2.0,
    effort=1,
    citations=(citation(80.0, "beauty"), citation(60.0)),
)
LIVESTREAM = practice(
    "livestream",
    "reach",
    weight=1.0,
    effort=3,
    citations=(
        citation(40.0, "food"),
        citation(None, statement="Livestream selling is ubiquitous"),
    ),
)
MOBILE_PAY = practice("mobile_pay", "convert", weight=3.0, effort=2, citations=(citation(90.0),))
GROUP_BUY = practice(
    "group_buy", "convert", weight=1.0, effort=1, citations=(citation(None, statement="Common"),)
)


def example_edition() -> EditionSpec:
    """Two pillars, four practices, six questions covering every question type.

    For category "beauty" the benchmark resolves to: messaging 0.8 (CATEGORY),
    livestream 0.4 (OTHER_CATEGORIES: food), mobile_pay 0.9 (ALL_CATEGORIES),
    group_buy 0.9 (PILLAR_AVERAGE: mobile_pay).
    """
    questions = (
        question(
            "msg_account",
            MESSAGING,
            QuestionType.SINGLE,
            (("no", 0.0), ("dormant", 0.5), ("active", 1.0)),
        ),
        question(
            "msg_frequency",
            MESSAGING,
            QuestionType.FREQUENCY,
            (("never", 0.0), ("monthly", 0.5), ("weekly", 1.0)),
            allows_na=True,
        ),
        yes_no("ls_kol", LIVESTREAM),
        question(
            "ls_channels",
            LIVESTREAM,
            QuestionType.MULTIPLE,
            (("douyin", 0.5), ("taobao", 0.5), ("own", 0.25)),
            allows_na=True,
        ),
        question("pay_share", MOBILE_PAY, QuestionType.PERCENT),
        yes_no("gb_offer", GROUP_BUY, allows_na=True),
    )
    return edition((REACH, CONVERT), (MESSAGING, LIVESTREAM, MOBILE_PAY, GROUP_BUY), questions)


# The example brand: see test_scoring for the hand computation of its scores.
EXAMPLE_ANSWERS: dict[str, object] = {
    "msg_account": "dormant",
    "msg_frequency": "weekly",
    "ls_kol": "yes",
    "ls_channels": ("douyin", "own"),
    "pay_share": 60.0,
    "gb_offer": None,
}


def sized_edition(question_count: int, *, questions_per_practice: int = 3) -> EditionSpec:
    """A realistic-size edition (e.g. 30 questions) cycling through all question types."""
    practice_count = -(-question_count // questions_per_practice)
    pillars = tuple(PillarSpec(f"pillar{i}", f"Pillar {i}", 1.0 + i) for i in range(4))
    practices = tuple(
        practice(
            f"practice{i}",
            pillars[i % len(pillars)].key,
            weight=1.0 + i % 3,
            effort=1 + i % 3,
            citations=(citation(10.0 + i, CATEGORIES[i % len(CATEGORIES)]), citation(50.0)),
        )
        for i in range(practice_count)
    )
    questions = tuple(
        _sized_question(i, practices[i // questions_per_practice]) for i in range(question_count)
    )
    return edition(pillars, practices, questions)


def _sized_question(number: int, owner: PracticeSpec) -> QuestionSpec:
    type_ = list(QuestionType)[number % len(QuestionType)]
    if type_ is QuestionType.YES_NO:
        return yes_no(f"q{number}", owner, allows_na=True)
    choices = () if type_ is QuestionType.PERCENT else SIZED_LEVELS
    return question(f"q{number}", owner, type_, choices, allows_na=True)


SIZED_LEVELS = (("none", 0.0), ("some", 0.25), ("most", 0.5), ("all", 1.0))


# --- hypothesis strategies -------------------------------------------------------------------

# Weights are 0 or "normal" numbers: subnormal weights would underflow products to 0
# and make exact comparisons of expected and actual gains meaningless.
weights = st.one_of(st.just(0.0), st.floats(min_value=0.01, max_value=10.0))
levels = st.floats(min_value=0.0, max_value=1.0)
percents = st.floats(min_value=0.0, max_value=100.0)
categories = st.sampled_from(CATEGORIES)


@st.composite
def citations(draw: st.DrawFn) -> tuple[CitationSpec, ...]:
    """Evidence for one practice: at most one percentage per category, plus qualitative notes."""
    scopes = draw(st.lists(st.sampled_from((None, *CATEGORIES)), unique=True, max_size=3))
    figures = [citation(draw(percents), scope) for scope in scopes]
    notes = [citation(None, statement=f"note {i}") for i in range(draw(st.integers(0, 1)))]
    return tuple(draw(st.permutations(figures + notes)))


@st.composite
def choice_levels(draw: st.DrawFn, type_: QuestionType) -> tuple[tuple[str, float], ...]:
    """Choices with random levels; one of them is always full adoption (level 1)."""
    if type_ is QuestionType.PERCENT:
        return ()
    if type_ is QuestionType.YES_NO:
        return ((NO, draw(levels)), (YES, 1.0))
    others = draw(st.lists(levels, max_size=4))
    return (("full", 1.0), *((f"c{i}", level) for i, level in enumerate(others)))


@st.composite
def questions_for(draw: st.DrawFn, owner: PracticeSpec) -> list[QuestionSpec]:
    """One to three questions of any type for a practice."""
    made = []
    for i in range(draw(st.integers(1, 3))):
        type_ = draw(st.sampled_from(QuestionType))
        pairs = draw(choice_levels(type_))
        made.append(
            question(f"{owner.key}_q{i}", owner, type_, pairs, allows_na=draw(st.booleans()))
        )
    return made


@st.composite
def editions(draw: st.DrawFn) -> EditionSpec:
    """Random editions: 1-3 pillars of 0-3 practices (an empty pillar is allowed)."""
    pillars = [
        PillarSpec(f"p{i}", f"Pillar {i}", draw(weights)) for i in range(draw(st.integers(1, 3)))
    ]
    practices: list[PracticeSpec] = []
    questions: list[QuestionSpec] = []
    for pillar in pillars:
        for j in range(draw(st.integers(0, 3))):
            owner = practice(
                f"{pillar.key}x{j}",
                pillar.key,
                weight=draw(weights),
                effort=draw(st.integers(1, 3)),
                citations=draw(citations()),
            )
            practices.append(owner)
            questions.extend(draw(questions_for(owner)))
    return edition(pillars, practices, questions)


def answer_values(question_spec: QuestionSpec) -> st.SearchStrategy[object]:
    """Valid, normalized answers to one question (None only where N/A is allowed)."""
    values = [choice.value for choice in question_spec.choices]
    by_type: dict[QuestionType, st.SearchStrategy[object]] = {
        QuestionType.PERCENT: percents,
        QuestionType.MULTIPLE: st.lists(st.sampled_from(values), unique=True).map(
            lambda chosen: tuple(sorted(chosen))
        ),
    }
    valid = by_type.get(question_spec.type, st.sampled_from(values))
    return st.one_of(st.none(), valid) if question_spec.allows_na else valid


@st.composite
def answers_for(draw: st.DrawFn, edition_spec: EditionSpec) -> dict[str, object]:
    """Answers to a random subset of the edition's questions (unanswered keys are left out)."""
    answers: dict[str, object] = {}
    for question_spec in edition_spec.questions:
        if draw(st.booleans()) or draw(st.booleans()):  # answer about three in four questions
            answers[question_spec.key] = draw(answer_values(question_spec))
    return answers


@st.composite
def scored_cases(draw: st.DrawFn) -> tuple[EditionSpec, str, dict[str, object]]:
    """An edition, a category and answers to it."""
    edition_spec = draw(editions())
    return edition_spec, draw(categories), draw(answers_for(edition_spec))
