"""Template helpers shared by the report page and the PDF: the radar chart and signed numbers."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from assessments import presentation
from assessments.charts import Series, radar_svg
from assessments.reports import Report

register = template.Library()


@register.simple_tag
def radar_chart(report: Report) -> str:
    """The brand's pillar scores against the China benchmark of its category, as inline SVG."""
    if len(report.pillars) < 3:
        return ""
    category = report.assessment.category.name
    svg = radar_svg(
        [p.name for p in report.pillars],
        [
            Series(report.assessment.brand.name, [p.score for p in report.pillars]),
            Series(f"China benchmark, {category}", [p.benchmark for p in report.pillars]),
        ],
        title=f"{report.assessment.brand.name}: pillar scores against the China benchmark "
        f"for {category}",
    )
    return mark_safe(svg)  # radar_svg escapes every text it draws


@register.filter
def signed(value: float | None) -> str:
    return presentation.signed(value)


@register.filter
def basis_note(basis: str) -> str:
    return presentation.BASIS_NOTES.get(basis, "")
