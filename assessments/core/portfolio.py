"""PURE: a consultant's portfolio: brands ranked within their category, with a trend sparkline.

Ranks are computed only over the brands given, which are the ones the viewer may see: no rank
or percentile here ever counts a brand the viewer cannot see. Equal indexes share a rank
(1, 2, 2, 4); a brand without a scored assessment is listed after the ranked ones, unranked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

# The sparkline's box, in px: small enough for a table cell.
SPARK_WIDTH = 96
SPARK_HEIGHT = 24
SPARK_PAD = 2


@dataclass(frozen=True, slots=True)
class Standing:
    """One brand's readiness over time: ``trend`` is its indexes, oldest first (latest last)."""

    brand_key: str
    brand_name: str
    category: str
    tier_key: str
    trend: tuple[float, ...]
    last_assessed: datetime | None

    @property
    def index(self) -> float | None:
        return self.trend[-1] if self.trend else None

    @property
    def change(self) -> float | None:
        """Since the brand's previous scored assessment; None with fewer than two."""
        return self.trend[-1] - self.trend[-2] if len(self.trend) >= 2 else None


@dataclass(frozen=True, slots=True)
class Ranked:
    standing: Standing
    rank: int | None  # within its category, among the brands given; None: never scored
    of: int  # how many brands of the category were ranked


def rank_within_categories(standings: Iterable[Standing]) -> list[Ranked]:
    """Brands grouped by category (in the order first seen), best index first within each."""
    groups: dict[str, list[Standing]] = defaultdict(list)
    for standing in standings:
        groups[standing.category].append(standing)
    ranked: list[Ranked] = []
    for members in groups.values():
        scored = sorted(
            (s for s in members if s.index is not None),
            key=lambda s: (-(s.index or 0.0), s.brand_name, s.brand_key),
        )
        previous, rank = None, 0
        for position, standing in enumerate(scored, start=1):
            if standing.index != previous:
                rank, previous = position, standing.index
            ranked.append(Ranked(standing, rank, len(scored)))
        unscored = sorted((s for s in members if s.index is None), key=lambda s: s.brand_name)
        ranked += [Ranked(standing, None, len(scored)) for standing in unscored]
    return ranked


def sparkline_svg(values: Sequence[float], *, label: str) -> str:
    """A small line of the values (oldest left), scaled to their own range; empty for none."""
    if not values:
        return ""
    low, high = min(values), max(values)
    # A flat line (or one point) sits at mid-height rather than on the bottom edge.
    if high == low:
        low, high = low - 1.0, high + 1.0
    span = high - low
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(values) - 1, 1)
    inner = SPARK_HEIGHT - 2 * SPARK_PAD
    points = " ".join(
        f"{SPARK_PAD + i * step:.1f},{SPARK_PAD + inner * (1 - (v - low) / span):.1f}"
        for i, v in enumerate(values)
    )
    last_x, last_y = points.split(" ")[-1].split(",")
    return (
        f'<svg class="sparkline" width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" '
        f'viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" role="img" aria-label="{escape(label)}">'
        f'<polyline points="{points}" fill="none" stroke="#1f5fa8" stroke-width="1.5"/>'
        f'<circle cx="{last_x}" cy="{last_y}" r="2" fill="#1f5fa8"/></svg>'
    )
