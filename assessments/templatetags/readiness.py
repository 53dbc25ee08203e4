"""Template helpers shared by the report page and the PDF: the radar chart and signed numbers."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from assessments.core import presentation
from assessments.core.charts import Series, radar_svg
from assessments.localized import shown
from assessments.report_data import Report

register = template.Library()


@register.simple_tag
def radar_chart(report: Report) -> str:
    """The brand's pillar scores against the China benchmark of its category, as inline SVG."""
    if len(report.pillars) < 3:
        return ""
    words = {"category": report.assessment.category.name, "brand": report.assessment.brand.name}
    svg = radar_svg(
        [shown(p.name) for p in report.pillars],
        [
            Series(words["brand"], [p.score for p in report.pillars]),
            Series(
                gettext("China benchmark, %(category)s") % words,
                [p.benchmark for p in report.pillars],
            ),
        ],
        title=gettext("%(brand)s: pillar scores against the China benchmark for %(category)s")
        % words,
    )
    return mark_safe(svg)  # radar_svg escapes every text it draws


@register.filter
def signed(value: float | None) -> str:
    return presentation.signed(value)


@register.filter
def basis_note(basis: str) -> str:
    note = presentation.BASIS_NOTES.get(basis, "")
    return gettext(note) if note else ""


@register.filter
def ranked_by_score(pillars: list) -> list:
    """Pillars from the highest score to the lowest (unscored last), for the phone's bar view."""
    return sorted(pillars, key=lambda p: (p.score is None, -(p.score or 0)))


@register.filter
def bar_width(value: float | None) -> str:
    """A score as the width of its bar, in percent of the 0-100 scale ("0" when missing)."""
    if value is None:
        return "0"
    return f"{max(0.0, min(float(value), 100.0)):.1f}"


@register.filter
def index(value: float | None) -> str:
    """The readiness index by the report's one rounding rule (presentation.shown_index)."""
    return presentation.index_text(value) or "\N{EN DASH}"
