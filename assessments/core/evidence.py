"""PURE: what a benchmark figure counts, and how a report may word it.

A figure describes one kind of population (BENCHMARK_FACTS_2026.md): a share of brands, a share
of sales, what consumers do, or the size of a market. Only a share of brands can say "X% of
brands". An admin may still use another kind as a practice's benchmark share when no brand
figure exists, by marking that citation a proxy; every page, export and API answer then words
it as one ("no published brand figure; proxy: ..."), and the edition checks warn about it.

No Django import: these take plain values; the Django side translates the words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from assessments.core.specs import CitationSpec, EditionSpec
from assessments.core.texts import EditionTexts, Text


class PopulationKind(StrEnum):
    """Whom a figure counts."""

    BRANDS = "brands"  # a share of brands or merchants
    SALES = "sales"  # a share of GMV, orders or stream time
    CONSUMERS = "consumers"  # shoppers or platform users
    MARKET = "market"  # sizes and growth; surveys of the trade (marketers, advertisers)


POPULATION_KINDS = tuple(kind.value for kind in PopulationKind)


class Wording(StrEnum):
    """How a recommendation's benchmark share is put into words."""

    BRANDS = "brands"  # "China benchmark: 69% of brands"
    PROXY = "proxy"  # "No published brand figure; proxy: 75% of Chinese internet users"
    ESTIMATE = "estimate"  # "Estimated China benchmark: 62% (rule)", figures averaged on request
    OBSERVED = "observed"  # "Observed among 12 brands assessed here: 40%"
    NONE = "none"  # no figure at all


@dataclass(frozen=True, slots=True)
class Evidence:
    """One citation as a reader sees it, in both languages (Text) where it has words."""

    percent: float | None
    statement: Text
    population: Text
    population_kind: str
    is_proxy: bool
    publisher: Text
    title: Text
    year: int
    url: str | None
    category: str | None
    note: Text
    observed_brands: int | None = None

    @property
    def is_figure(self) -> bool:
        return self.percent is not None

    @property
    def counts_brands(self) -> bool:
        """True when the figure is a share of brands, so it may say 'X% of brands'."""
        return self.population_kind == PopulationKind.BRANDS and not self.is_proxy

    @property
    def is_observed(self) -> bool:
        return self.observed_brands is not None


def age_in_years(year: int, this_year: int) -> int:
    """How old a figure is; never negative (a figure dated this year is 0 years old)."""
    return max(this_year - year, 0)


def stale(year: int, this_year: int, after_years: int) -> bool:
    """True when a figure is older than ``after_years`` (EVIDENCE_STALE_AFTER_YEARS)."""
    return age_in_years(year, this_year) > after_years


def wording(basis: str, figures: Sequence[Evidence]) -> Wording:
    """How to word a share resolved on ``basis`` (prevalence.Basis) from these figures.

    A direct figure (for the category or all categories) is worded by its kind; a fallback is an
    estimate, whatever it averaged.
    """
    if basis == "none" or not figures:
        return Wording.NONE
    if basis in ("category", "all_categories"):
        figure = figures[0]
        if figure.is_observed:
            return Wording.OBSERVED
        return Wording.BRANDS if figure.counts_brands else Wording.PROXY
    return Wording.ESTIMATE


def estimate_counts_brands(figures: Iterable[Evidence]) -> bool:
    """True when every figure an estimate averaged is a share of brands."""
    return all(figure.counts_brands for figure in figures)


def once_each(items: Iterable[Evidence]) -> list[Evidence]:
    """Each citation once, in first-seen order: the same study may back several figures."""
    seen: dict[tuple[str, str, int, float | None], Evidence] = {}
    for item in items:
        seen.setdefault((item.statement.en, item.publisher.en, item.year, item.percent), item)
    return list(seen.values())


def from_stored(stored: Mapping[str, object], known: Mapping[str, Evidence]) -> Evidence:
    """A citation stored with a result, read through its edition's own citation (by statement).

    A published edition never changes, so its citation is the one the result used; it carries
    the publisher, kind and Chinese texts that results stored before they existed lack. The
    stored percent is kept: it is the number the result was scored on.
    """
    statement = str(stored.get("statement") or "")
    edition_row = known.get(statement)
    percent = stored.get("percent")
    percent = None if percent is None else float(percent)  # type: ignore[arg-type]
    if edition_row is not None:
        return Evidence(
            percent=percent,
            statement=edition_row.statement,
            population=edition_row.population,
            population_kind=edition_row.population_kind,
            is_proxy=edition_row.is_proxy,
            publisher=edition_row.publisher,
            title=edition_row.title,
            year=edition_row.year,
            url=edition_row.url,
            category=edition_row.category,
            note=edition_row.note,
            observed_brands=edition_row.observed_brands,
        )
    return Evidence(
        percent=percent,
        statement=Text(statement),
        population=Text(str(stored.get("population") or "")),
        population_kind=str(stored.get("population_kind") or PopulationKind.BRANDS),
        is_proxy=bool(stored.get("is_proxy")),
        publisher=Text(str(stored.get("publisher") or "")),
        title=Text(str(stored.get("title") or "")),
        year=int(stored.get("year") or 0),  # type: ignore[call-overload]
        url=str(stored.get("url") or "") or None,
        category=stored.get("category"),  # type: ignore[arg-type]
        note=Text(str(stored.get("note") or "")),
        observed_brands=stored.get("observed_brands"),  # type: ignore[arg-type]
    )


def citation_json(citation: CitationSpec) -> dict[str, object]:
    """A citation as a result stores it and an explanation shows it (JSON, English).

    Every field of the spec, in its order (CitationSpec.as_json); a missing link is null, as
    the API's url says, not an empty string.
    """
    return {**citation.as_json(), "url": citation.url or None}


def evidence_of(citation: CitationSpec, texts: EditionTexts) -> Evidence:
    """An edition's citation with its texts in both languages."""

    def words(name: str, english: str) -> Text:
        return texts.get("citation", citation.statement, name, english)

    return Evidence(
        percent=citation.percent,
        statement=words("statement", citation.statement),
        population=words("population", citation.population),
        population_kind=citation.population_kind,
        is_proxy=citation.is_proxy,
        publisher=words("publisher", citation.publisher),
        title=words("title", citation.title),
        year=citation.year,
        url=citation.url or None,
        category=citation.category,
        note=words("note", citation.note),
        observed_brands=citation.observed_brands,
    )


def edition_evidence(edition: EditionSpec) -> Mapping[str, Evidence]:
    """Every benchmark citation of the edition as Evidence, by English statement (computed once)."""

    def build() -> dict[str, Evidence]:
        return {
            citation.statement: evidence_of(citation, edition.texts)
            for practice in edition.practices
            for citation in practice.citations
        }

    return edition.derived(("evidence",), build)
