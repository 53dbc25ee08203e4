"""PURE: adoption observed among the brands the service has assessed, a benchmark that grows.

Per category and practice, the mean adoption (0..1) of the practice among brands whose latest
scored assessment is in that category and answers it; offered as a share of brands only where
at least ``min_brands`` distinct brands contribute, so that no brand's answers can be read off
the figure. No Django import: the caller passes each brand's scorecard.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import fmean

from assessments.core.scoring import Scorecard

PERCENT = 100.0


@dataclass(frozen=True, slots=True)
class ObservedFigure:
    """A share of brands observed here: ``percent`` of ``brands`` brands of ``category``."""

    category: str
    practice: str
    percent: float
    brands: int


def observed_figures(
    cards: Iterable[tuple[str, str, Scorecard]], min_brands: int
) -> list[ObservedFigure]:
    """Figures from (brand, category, scorecard) triples, one triple per distinct brand.

    A brand counts for a practice when it answered it (not applicable leaves it out). Sorted by
    category and practice, so the admin reads them in a stable order.
    """
    levels: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for brand, category, card in cards:
        for pillar in card.pillars:
            for practice in pillar.practices:
                if practice.adoption is not None:
                    levels[(category, practice.key)][brand] = practice.adoption
    return [
        ObservedFigure(
            category, practice, round(PERCENT * fmean(by_brand.values()), 2), len(by_brand)
        )
        for (category, practice), by_brand in sorted(levels.items())
        if len(by_brand) >= min_brands
    ]
