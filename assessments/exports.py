"""A report as CSV and as PDF: the same content as the report page."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime

from django.template.loader import render_to_string

from assessments.models import Assessment
from assessments.reports import Report


def _number(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def report_csv(report: Report) -> str:
    """One CSV with a summary, the pillar table and the ranked recommendations."""
    out = io.StringIO()
    w = csv.writer(out)
    a = report.assessment
    w.writerow(["section", "item", "value", "benchmark", "gap", "change", "detail"])
    w.writerow(["summary", "brand", a.brand.name, "", "", "", a.category.name])
    w.writerow(
        [
            "summary",
            "readiness index",
            _number(report.readiness_index),
            "100",
            "",
            _number(report.index_change),
            report.tier_name,
        ]
    )
    w.writerow(
        [
            "summary",
            "overall score",
            _number(report.overall),
            _number(report.benchmark_overall),
            "",
            "",
            "",
        ]
    )
    w.writerow(["summary", "edition", report.edition_label, "", "", "", ""])
    for p in report.pillars:
        w.writerow(
            [
                "pillar",
                p.name,
                _number(p.score),
                _number(p.benchmark),
                _number(p.gap),
                _number(p.change),
                "",
            ]
        )
    for r in report.recommendations:
        evidence = "; ".join(_citation_text(e) for e in r.evidence)
        w.writerow(
            [
                f"recommendation {r.bucket}",
                r.title,
                _number(r.expected_gain),
                _number(None if r.share is None else 100 * r.share),
                "",
                "",
                evidence,
            ]
        )
    return out.getvalue()


def _citation_text(citation: dict) -> str:
    figure = "" if citation["percent"] is None else f"{citation['percent']:g}%: "
    return f"{figure}{citation['statement']} ({citation['source']}, {citation['year']})"


def report_pdf(report: Report) -> bytes:
    """The report rendered by WeasyPrint from the print template."""
    from weasyprint import HTML  # imported late: it loads Pango, which only PDF requests need

    html = render_to_string("assessments/report_pdf.html", {"report": report})
    return HTML(string=html).write_pdf()


ASSESSMENT_COLUMNS = [
    "id",
    "brand",
    "brand_slug",
    "category",
    "status",
    "created_at",
    "submitted_at",
    "scored_at",
    "edition",
    "overall",
    "readiness_index",
    "tier",
]


def assessments_csv(assessments: Iterable[Assessment]) -> str:
    """One row per assessment (load them with brand, category, edition and result)."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(ASSESSMENT_COLUMNS)
    for a in assessments:
        result = a.result
        w.writerow(
            [
                a.pk,
                a.brand.name,
                a.brand.slug,
                a.category.slug,
                a.status,
                _timestamp(a.created_at),
                _timestamp(a.submitted_at),
                _timestamp(a.scored_at),
                a.edition.label,
                _number(result.overall if result else None),
                _number(result.readiness_index if result else None),
                result.tier_name if result else "",
            ]
        )
    return out.getvalue()


def _timestamp(value: datetime | None) -> str:
    return "" if value is None else value.isoformat()
