"""PURE: charts drawn as SVG text on the server, so they print, go into the PDF and need no script.

No Django import: the report page and the PDF template both embed the returned markup.
Colours are SVG attributes rather than CSS classes, because WeasyPrint and a print preview
must draw the same chart as the browser does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

# Wider than tall: axis labels to the left and right need room for names like "Reviews and
# user content" at 12 px.
WIDTH = 680
HEIGHT = 380
CENTRE_X = WIDTH / 2
CENTRE_Y = HEIGHT / 2
RADIUS = 140
SCALE_MAX = 100.0
RINGS = (25, 50, 75, 100)
# Labels sit a little outside the outer ring; beyond this the text leaves the canvas.
LABEL_OFFSET = 18
# Brand first (strong blue), benchmark second (warm orange): distinguishable in greyscale print
# by the dashed outline too.
PALETTE = (("#1f5fa8", ""), ("#d9822b", "6 4"), ("#2f855a", "2 3"), ("#6b46c1", "8 3 2 3"))


@dataclass(frozen=True, slots=True)
class Series:
    """One polygon of the radar: a name for the legend and one value (0..100) per label."""

    name: str
    values: Sequence[float | None]


def radar_svg(labels: Sequence[str], series: Sequence[Series], *, title: str = "") -> str:
    """A radar chart of values from 0 to 100, one axis per label, as a standalone <svg> element.

    A missing value (None) is drawn at the centre, so a pillar without a score reads as zero
    on the chart while the table beside it says "no answer". All text is escaped.
    """
    if len(labels) < 3:
        raise ValueError("a radar chart needs at least three axes")
    for one in series:
        if len(one.values) != len(labels):
            raise ValueError(f"series {one.name!r} has {len(one.values)} values for {len(labels)}")
    if len(series) > len(PALETTE):
        raise ValueError(f"at most {len(PALETTE)} series")
    height = HEIGHT + 22 * len(series)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="radar" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-label="{escape(title or "Radar chart")}">',
        f"<title>{escape(title or 'Radar chart')}</title>",
        *_grid(len(labels)),
        *(_polygon(one, i) for i, one in enumerate(series)),
        *_labels(labels),
        *_legend(series),
        "</svg>",
    ]
    return "\n".join(parts)


def point(axis: int, axes: int, value: float) -> tuple[float, float]:
    """Where a value sits on an axis; axis 0 points straight up, the rest go clockwise."""
    angle = -math.pi / 2 + 2 * math.pi * axis / axes
    r = RADIUS * max(0.0, min(value, SCALE_MAX)) / SCALE_MAX
    return CENTRE_X + r * math.cos(angle), CENTRE_Y + r * math.sin(angle)


def _points(values: Sequence[float]) -> str:
    corners = (point(i, len(values), v) for i, v in enumerate(values))
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in corners)


def _grid(axes: int) -> list[str]:
    rings = [
        f'<polygon points="{_points([ring] * axes)}" fill="none" stroke="#c8ced8" '
        f'stroke-width="1"/>'
        for ring in RINGS
    ]
    spokes = []
    for i in range(axes):
        x, y = point(i, axes, SCALE_MAX)
        spokes.append(
            f'<line x1="{CENTRE_X:.1f}" y1="{CENTRE_Y:.1f}" x2="{x:.1f}" y2="{y:.1f}" '
            f'stroke="#c8ced8" stroke-width="1"/>'
        )
    # The outer ring goes unlabelled: its "100" would sit on the first axis label.
    ticks = [
        f'<text x="{CENTRE_X + 4:.1f}" y="{point(0, axes, ring)[1] + 11:.1f}" font-size="10" '
        f'fill="#6b7280">{ring}</text>'
        for ring in RINGS[:-1]
    ]
    return rings + spokes + ticks


def _polygon(one: Series, index: int) -> str:
    colour, dash = PALETTE[index]
    values = [0.0 if v is None else float(v) for v in one.values]
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<polygon class="series series-{index}" points="{_points(values)}" fill="{colour}" '
        f'fill-opacity="{0.25 if index == 0 else 0.08}" stroke="{colour}" stroke-width="2.5"'
        f"{dashed}><title>{escape(one.name)}</title></polygon>"
    )


def _labels(labels: Sequence[str]) -> list[str]:
    out = []
    for i, label in enumerate(labels):
        x, y = point(i, len(labels), SCALE_MAX + 100 * LABEL_OFFSET / RADIUS)
        anchor = "middle" if abs(x - CENTRE_X) < 1 else ("start" if x > CENTRE_X else "end")
        # Top and bottom labels move off the axis tip; side labels centre on it vertically.
        vertical = abs(y - CENTRE_Y) > RADIUS * 0.9
        baseline = y + ((12 if y > CENTRE_Y else -2) if vertical else 4)
        out.append(
            f'<text x="{x:.1f}" y="{baseline:.1f}" text-anchor="{anchor}" font-size="14" '
            f'font-weight="600" fill="#1d2433">{escape(label)}</text>'
        )
    return out


def _legend(series: Sequence[Series]) -> list[str]:
    out = []
    for i, one in enumerate(series):
        colour, dash = PALETTE[i]
        y = HEIGHT + 8 + 22 * i
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        left = CENTRE_X - 120
        out.append(
            f'<line x1="{left:.0f}" y1="{y}" x2="{left + 30:.0f}" y2="{y}" stroke="{colour}" '
            f'stroke-width="3"{dashed}/><text x="{left + 38:.0f}" y="{y + 5}" font-size="13" '
            f'fill="#1d2433">{escape(one.name)}</text>'
        )
    return out
