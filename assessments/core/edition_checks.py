"""Is a draft edition fit to publish? Pure checks over plain rows; messages say what to fix.

Row-local checks (a weight, a figure, a level) run when an admin saves a row; the whole-edition
checks (every pillar has a positive practice weight, keys are unique, every practice has a
question, a tier starts at 0) run before publishing. No Django import: the rows are read from
the database by assessments/publishing.py, and tests build them by hand.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from assessments.core.evidence import POPULATION_KINDS, PopulationKind

PERCENT_MAX = 100.0
LEVEL_MAX = 1.0
YES_NO_VALUES = frozenset({"yes", "no"})
PERCENT_TYPE = "percent"
YES_NO_TYPE = "yes_no"
BRANDS = PopulationKind.BRANDS.value


@dataclass(frozen=True, slots=True)
class PillarRow:
    key: str
    weight: float


@dataclass(frozen=True, slots=True)
class PracticeRow:
    key: str
    pillar: str
    weight: float


@dataclass(frozen=True, slots=True)
class CitationRow:
    practice: str
    category: str | None
    percent: float | None
    publisher: str
    year: int | None
    population: str
    is_benchmark: bool = True
    population_kind: str = BRANDS
    is_proxy: bool = False
    observed_brands: int | None = None


@dataclass(frozen=True, slots=True)
class QuestionRow:
    key: str
    practice: str
    type: str
    shown_if_question: str = ""
    shown_if_values: tuple[str, ...] | list[str] = ()


@dataclass(frozen=True, slots=True)
class ChoiceRow:
    question: str
    value: str
    level: float


@dataclass(frozen=True, slots=True)
class TierRow:
    key: str
    min_index: float


@dataclass(frozen=True, slots=True)
class FigureRow:
    statement: str
    publisher: str
    year: int | None


@dataclass(frozen=True)
class EditionRows:
    """Everything an edition holds that its checks look at."""

    pillars: tuple[PillarRow, ...] = ()
    practices: tuple[PracticeRow, ...] = ()
    citations: tuple[CitationRow, ...] = ()
    questions: tuple[QuestionRow, ...] = ()
    choices: tuple[ChoiceRow, ...] = ()
    tiers: tuple[TierRow, ...] = ()
    figures: tuple[FigureRow, ...] = field(default=())
    # Today's year, for "a year in the future"; None skips that check.
    this_year: int | None = None
    # OBSERVED_MIN_BRANDS: the fewest brands an observed figure may rest on; None skips it.
    min_observed: int | None = None


# --- row-local checks: field name -> message, empty when the row is fine ----------------------


def weight_problems(weight: float | None, what: str) -> dict[str, str]:
    if weight is not None and weight < 0:
        return {"weight": f"The weight of {what} is {weight:g}: a weight cannot be negative."}
    return {}


def citation_problems(
    row: CitationRow, this_year: int | None = None, min_observed: int | None = None
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if min_observed is not None and row.observed_brands is not None:
        if row.observed_brands < min_observed:
            problems["observed_brands"] = (
                f"An observed figure needs at least {min_observed} brands, not "
                f"{row.observed_brands}: with fewer, a brand's answers could be read off it."
            )
    if row.percent is not None and not 0 <= row.percent <= PERCENT_MAX:
        problems["percent"] = f"A percentage is between 0 and 100, not {row.percent:g}."
    problems.update(_source_problems(row.publisher, row.year, "the figure", this_year))
    if not row.population.strip():
        problems["population"] = "Say whom the figure describes (e.g. 'Beauty brands in China')."
    if row.population_kind not in POPULATION_KINDS:
        problems["population_kind"] = (
            "Say what the figure counts: brands, sales, consumers or market."
        )
    elif _unmarked_share(row):
        problems["is_proxy"] = (
            f"This benchmark share counts {row.population_kind}, not brands: mark it a proxy "
            "(reports then say there is no published brand figure), or make it supporting "
            "evidence."
        )
    return problems


def _unmarked_share(row: CitationRow) -> bool:
    """A non-brand figure used as a benchmark share without the proxy mark."""
    return _is_figure(row) and row.population_kind != BRANDS and not row.is_proxy


def figure_problems(row: FigureRow, this_year: int | None = None) -> dict[str, str]:
    return _source_problems(row.publisher, row.year, "the context figure", this_year)


def choice_problems(row: ChoiceRow) -> dict[str, str]:
    if not 0 <= row.level <= LEVEL_MAX:
        return {
            "level": f"Choice {row.value!r} has level {row.level:g}: a level is an adoption "
            "between 0 (not at all) and 1 (fully adopted)."
        }
    return {}


def tier_problems(row: TierRow) -> dict[str, str]:
    if row.min_index < 0:
        return {"min_index": f"Tier {row.key!r} starts at {row.min_index:g}: an index is >= 0."}
    if round(row.min_index, 1) != row.min_index:
        # Reports show the index to one decimal, rounded down: a finer threshold would let
        # "70.2" stand beside a tier that starts at 70.25.
        return {
            "min_index": f"Tier {row.key!r} starts at {row.min_index:g}: use at most one "
            "decimal, as reports show the index."
        }
    return {}


def _source_problems(
    publisher: str, year: int | None, what: str, this_year: int | None
) -> dict[str, str]:
    problems = {}
    if not publisher.strip():
        problems["publisher"] = f"Name the publisher of {what} (as readers know them)."
    if not year:
        problems["year"] = f"Give the year of {what}."
    elif this_year is not None and year > this_year:
        problems["year"] = f"The year of {what} is {year}, in the future: give the year published."
    return problems


# --- a row and its parents: one edition -----------------------------------------------------


def parent_problems(edition_id: int | None, parents: dict[str, int | None]) -> dict[str, str]:
    """A row whose parent (pillar of a practice, practice of a question) is another edition's.

    `parents` maps the parent's field to the parent's edition id; an unknown side passes.
    """
    return {
        name: f"This {name} belongs to another edition: choose a {name} of this row's edition."
        for name, parent_edition in parents.items()
        if edition_id is not None and parent_edition is not None and parent_edition != edition_id
    }


# --- the whole edition, before publishing -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason the edition cannot be published, and the row to fix (kind and key).

    kind is "pillar", "practice", "question", "tier", "figure" or "edition" (the whole edition);
    a citation's or a choice's problem names its practice or question, where it is edited.
    """

    kind: str
    key: str
    message: str


def edition_problems(rows: EditionRows) -> list[str]:
    """Every reason the edition cannot be published yet, in the order an admin would fix them."""
    return [problem.message for problem in edition_problem_rows(rows)]


def edition_problem_rows(rows: EditionRows) -> list[Problem]:
    """edition_problems() with the row each message is about."""
    problems = [*_key_problems(rows), *_weight_problems(rows), *_question_problems(rows)]
    problems += _skip_logic_problems(rows)
    problems += _row_problems(rows)
    problems += _tier_floor_problems(rows.tiers)
    return problems


def _key_problems(rows: EditionRows) -> list[Problem]:
    problems = _duplicates((p.key for p in rows.pillars), "pillar")
    problems += _duplicates((p.key for p in rows.practices), "practice")
    problems += _duplicates((q.key for q in rows.questions), "question")
    problems += _duplicates((t.key for t in rows.tiers), "tier")
    for practice in rows.practices:
        figures = Counter(
            c.category for c in rows.citations if c.practice == practice.key and _is_figure(c)
        )
        for category, count in figures.items():
            if count > 1:
                scope = category or "all categories"
                problems.append(
                    Problem(
                        "practice",
                        practice.key,
                        f"Practice {practice.key!r} has {count} benchmark percentages for "
                        f"{scope}: keep one (make the others supporting evidence).",
                    )
                )
    return problems


def _is_figure(citation: CitationRow) -> bool:
    return citation.is_benchmark and citation.percent is not None


def _duplicates(keys: Iterable[str], what: str) -> list[Problem]:
    return [
        Problem(
            what, key, f"The {what} key {key!r} is used {count} times: {what} keys must be unique."
        )
        for key, count in Counter(keys).items()
        if count > 1
    ]


def _weight_problems(rows: EditionRows) -> list[Problem]:
    problems = [
        Problem(kind, item.key, message)
        for kind, items in (("pillar", rows.pillars), ("practice", rows.practices))
        for item in items
        for message in weight_problems(item.weight, f"{kind} {item.key!r}").values()
    ]
    if not any(pillar.weight > 0 for pillar in rows.pillars):
        problems.append(
            Problem(
                "edition", "", "Give at least one pillar a positive weight, or nothing is scored."
            )
        )
    for pillar in rows.pillars:
        if not any(p.weight > 0 for p in rows.practices if p.pillar == pillar.key):
            problems.append(
                Problem(
                    "pillar",
                    pillar.key,
                    f"Pillar {pillar.key!r} has no practice with a positive weight: give one of "
                    "its practices a weight above 0 (or add a practice).",
                )
            )
    return problems


def _question_problems(rows: EditionRows) -> list[Problem]:
    asked = {question.practice for question in rows.questions}
    problems = [
        Problem(
            "practice",
            p.key,
            f"Practice {p.key!r} has no question: add one, or brands can never adopt it.",
        )
        for p in rows.practices
        if p.key not in asked
    ]
    for question in rows.questions:
        message = _choice_set_problem(
            question, {c.value for c in rows.choices if c.question == question.key}
        )
        if message:
            problems.append(Problem("question", question.key, message))
    return problems


def _skip_logic_problems(rows: EditionRows) -> list[Problem]:
    """Skip logic must point at a question of the edition, by a value it offers, without loops."""
    questions = {q.key: q for q in rows.questions}
    problems = []
    for q in rows.questions:
        if not q.shown_if_question:
            continue
        target = questions.get(q.shown_if_question)
        if target is None:
            message = (
                f"Question {q.key!r} is shown only if question {q.shown_if_question!r}, which "
                "this edition does not have (in any pillar): fix the key or clear it."
            )
            problems.append(Problem("question", q.key, message))
            continue
        offered = {c.value for c in rows.choices if c.question == target.key}
        wrong = [v for v in q.shown_if_values if v not in offered]
        if not q.shown_if_values or wrong:
            message = (
                f"Question {q.key!r} is shown only if {target.key!r} is answered with "
                f"{', '.join(map(repr, wrong)) or 'no value'}: use values among "
                f"{', '.join(sorted(offered)) or 'its choices'}."
            )
            problems.append(Problem("question", q.key, message))
    return problems + _skip_cycles(questions)


def _skip_cycles(questions: dict[str, QuestionRow]) -> list[Problem]:
    problems: list[Problem] = []
    reported: set[str] = set()
    for start in questions:
        path, key = [], start
        while key in questions and questions[key].shown_if_question and key not in path:
            path.append(key)
            key = questions[key].shown_if_question
        if key in path and key not in reported:
            loop = path[path.index(key) :]
            reported.update(loop)
            message = (
                "Skip logic goes round in a circle ("
                + " -> ".join([*loop, key])
                + "): no question of it could ever be asked. Break the circle."
            )
            problems.append(Problem("question", key, message))
    return problems


def _choice_set_problem(question: QuestionRow, values: set[str]) -> str:
    if question.type == PERCENT_TYPE and values:
        return f"Question {question.key!r} asks for a percent: remove its choices."
    if question.type != PERCENT_TYPE and not values:
        return f"Question {question.key!r} has no choices: add its answer levels."
    if question.type == YES_NO_TYPE and values != YES_NO_VALUES:
        return f"Question {question.key!r} is yes/no: its choices must be yes and no."
    return ""


def _row_problems(rows: EditionRows) -> list[Problem]:
    problems = []
    for citation in rows.citations:
        where = f"A citation of practice {citation.practice!r}"
        problems += [
            Problem("practice", citation.practice, f"{where}: {m}")
            for m in citation_problems(citation, rows.this_year, rows.min_observed).values()
        ]
    for choice in rows.choices:
        problems += [
            Problem("question", choice.question, f"Question {choice.question!r}: {m}")
            for m in choice_problems(choice).values()
        ]
    for figure in rows.figures:
        where = f"Context figure {figure.statement[:40]!r}"
        problems += [
            Problem("figure", figure.statement[:40], f"{where}: {m}")
            for m in figure_problems(figure, rows.this_year).values()
        ]
    return problems + [
        Problem("tier", t.key, m) for t in rows.tiers for m in tier_problems(t).values()
    ]


def _tier_floor_problems(tiers: tuple[TierRow, ...]) -> list[Problem]:
    if any(tier.min_index == 0 for tier in tiers):
        return []
    message = "Add a tier that starts at 0 (the lowest tier), so that every index gets a tier."
    return [Problem("edition", "", message)]


# --- warnings: publishable, but an admin should know ---------------------------------------------


def edition_warnings(rows: EditionRows) -> list[str]:
    """What the edition may publish with but an admin should read: each benchmark share that is
    a proxy (a figure about sales, consumers or the market standing in for brands)."""
    return [
        f"Practice {c.practice!r}{_scope(c.category)}: the benchmark share {c.percent:g}% counts "
        f"{c.population_kind} ({c.population}), not brands; reports word it as a proxy."
        for c in rows.citations
        if _is_figure(c) and c.is_proxy
    ]


def _scope(category: str | None) -> str:
    return f" ({category})" if category else " (all categories)"
