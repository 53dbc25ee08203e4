"""What share of China-benchmark brands of a category adopt each practice.

Resolution order, per practice (the first step that yields a figure wins):

1. CATEGORY: the practice cites a percentage for exactly this category.
2. ALL_CATEGORIES: else it cites a percentage that applies to all categories.
3. OTHER_CATEGORIES (fallback): else the mean of its percentages cited for other
   categories - a practice common in cosmetics is evidence for fashion too.
4. PILLAR_AVERAGE (fallback): else the mean of the shares that steps 1-3 resolved
   for the other practices of the same pillar - related practices spread together.
5. EDITION_AVERAGE (fallback): else the mean of the shares that steps 1-3 resolved
   over the whole edition.
6. NONE: no figure anywhere; the share is None and scoring leaves the practice out.

Fallback averages (4, 5) only use shares from steps 1-3, never other fallbacks,
so that results do not depend on the order practices are resolved in.

Every result carries its evidence: the citations whose percentages produced the
figure (for fallbacks: all those used), followed by the practice's qualitative
citations (no percentage, e.g. "ubiquitous"), so a report can always show why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from statistics import fmean
from types import MappingProxyType

from assessments.core.specs import CitationSpec, EditionSpec, PracticeSpec


class Basis(StrEnum):
    """Which step of the documented resolution order produced a benchmark share."""

    CATEGORY = "category"
    ALL_CATEGORIES = "all_categories"
    OTHER_CATEGORIES = "other_categories"
    PILLAR_AVERAGE = "pillar_average"
    EDITION_AVERAGE = "edition_average"
    NONE = "none"

    @property
    def is_fallback(self) -> bool:
        """True when the share is borrowed from other categories or practices."""
        return self in _FALLBACKS


_FALLBACKS = frozenset({Basis.OTHER_CATEGORIES, Basis.PILLAR_AVERAGE, Basis.EDITION_AVERAGE})


@dataclass(frozen=True, slots=True)
class ResolvedPrevalence:
    """A practice's benchmark share (0..1, None if unknown), how it was found, and the evidence."""

    share: float | None
    basis: Basis
    citations: tuple[CitationSpec, ...]


@dataclass(frozen=True, slots=True)
class _Figure:
    """A share from steps 1-3 with only the citations whose percentages produced it."""

    share: float
    basis: Basis
    sources: tuple[CitationSpec, ...]


def resolve_prevalence(edition: EditionSpec, category: str) -> Mapping[str, ResolvedPrevalence]:
    """Resolve every practice's benchmark share for a category (see module docstring).

    Returns practice key -> ResolvedPrevalence for every practice of the edition, read-only:
    it is resolved once per edition and category and shared by every later call, because it
    was a third of the time of scoring one assessment (bench/notes/scoring.md).
    """
    resolved = edition.derived(("prevalence", category), lambda: _resolve(edition, category))
    return MappingProxyType(resolved)


def _resolve(edition: EditionSpec, category: str) -> dict[str, ResolvedPrevalence]:
    direct = {practice.key: _direct_figure(practice, category) for practice in edition.practices}
    edition_figures = [figure for figure in direct.values() if figure is not None]
    resolved: dict[str, ResolvedPrevalence] = {}
    for practice in edition.practices:
        figure = direct[practice.key]
        if figure is None:
            peers = [
                direct[peer.key]
                for peer in edition.practices_in(practice.pillar)
                if peer.key != practice.key
            ]
            figure = _average(peers, Basis.PILLAR_AVERAGE) or _average(
                edition_figures, Basis.EDITION_AVERAGE
            )
        resolved[practice.key] = _with_evidence(practice, figure)
    return resolved


def _direct_figure(practice: PracticeSpec, category: str) -> _Figure | None:
    """Steps 1-3: a figure from the practice's own cited percentages, if any."""
    figures = [citation for citation in practice.citations if citation.percent is not None]
    for wanted, basis in ((category, Basis.CATEGORY), (None, Basis.ALL_CATEGORIES)):
        for citation in figures:
            if citation.category == wanted:
                return _Figure(_share(citation), basis, (citation,))
    others = tuple(figures)  # what is left: percentages cited for other categories only
    if not others:
        return None
    return _Figure(fmean(_share(citation) for citation in others), Basis.OTHER_CATEGORIES, others)


def _average(figures: Sequence[_Figure | None], basis: Basis) -> _Figure | None:
    """Steps 4-5: the mean of the given step 1-3 figures, citing all their sources."""
    known = [figure for figure in figures if figure is not None]
    if not known:
        return None
    sources = _distinct(source for figure in known for source in figure.sources)
    return _Figure(fmean(figure.share for figure in known), basis, sources)


def _with_evidence(practice: PracticeSpec, figure: _Figure | None) -> ResolvedPrevalence:
    qualitative = tuple(citation for citation in practice.citations if citation.percent is None)
    if figure is None:
        return ResolvedPrevalence(None, Basis.NONE, qualitative)
    return ResolvedPrevalence(figure.share, figure.basis, figure.sources + qualitative)


def _share(citation: CitationSpec) -> float:
    share = citation.share
    assert share is not None, "only citations with a percentage are figures"
    return share


def _distinct(citations: Iterable[CitationSpec]) -> tuple[CitationSpec, ...]:
    # Two practices may cite the same study; list it once in the evidence.
    return tuple(dict.fromkeys(citations))
