"""A report as CSV and as PDF: the same content as the report page, in the active language.

CSV headers and labels are translated like the page; the values a program reads (numbers, ids,
slugs, statuses, timestamps) are the same in every language.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import chain

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.evidence_words import citation_line, share_words
from assessments.localized import shown
from assessments.models import Assessment
from assessments.plans import assessment_plan
from assessments.report_data import Report


def _number(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def report_csv(report: Report) -> str:
    """One CSV with a summary, the pillar table and the ranked recommendations."""
    out = io.StringIO()
    w = csv.writer(out)
    a = report.assessment
    w.writerow([str(column) for column in REPORT_COLUMNS])
    summary = _("summary")
    w.writerow([summary, _("brand"), a.brand.name, "", "", "", a.category.name])
    w.writerow(
        [
            summary,
            _("readiness index"),
            _number(report.readiness_index),
            "100",
            "",
            _number(report.index_change),
            shown(report.tier_name),
        ]
    )
    w.writerow(
        [
            summary,
            _("overall score"),
            _number(report.overall),
            _number(report.benchmark_overall),
            "",
            "",
            "",
        ]
    )
    w.writerow([summary, _("edition"), report.edition_label, "", "", "", ""])
    if report.edition_changed and report.previous is not None:
        # The change column compares results of two editions: say so beside it.
        w.writerow([summary, _("change of edition"), report.previous.edition_label, "", "", "", ""])
    for p in report.pillars:
        w.writerow(
            [
                _("pillar"),
                shown(p.name),
                _number(p.score),
                _number(p.benchmark),
                _number(p.gap),
                _number(p.change),
                "",
            ]
        )
    for r in report.recommendations:
        evidence = " | ".join(
            [share_words(r), *(citation_line(e) for e in r.evidence)]
            if r.share is not None
            else [citation_line(e) for e in r.evidence]
        )
        w.writerow(
            [
                _("recommendation %(bucket)s") % {"bucket": r.bucket},
                shown(r.title),
                _number(r.expected_gain),
                _number(None if r.share is None else 100 * r.share),
                "",
                "",
                evidence,
            ]
        )
    return out.getvalue()


def report_pdf(report: Report) -> bytes:
    """The report rendered by WeasyPrint from the print template."""
    from weasyprint import HTML  # imported late: it loads Pango, which only PDF requests need

    # The PDF always plans to the next tier: a file has no selector to pick another.
    plan = assessment_plan(assessment=report.assessment)
    html = render_to_string("assessments/report_pdf.html", {"report": report, "plan": plan})
    return HTML(string=html).write_pdf()


REPORT_COLUMNS = [
    gettext_lazy("section"),
    gettext_lazy("item"),
    gettext_lazy("value"),
    gettext_lazy("benchmark"),
    gettext_lazy("gap"),
    gettext_lazy("change"),
    gettext_lazy("detail"),
]
ASSESSMENT_COLUMNS = [
    gettext_lazy("id"),
    gettext_lazy("brand"),
    gettext_lazy("brand_slug"),
    gettext_lazy("category"),
    gettext_lazy("status"),
    gettext_lazy("created_at"),
    gettext_lazy("submitted_at"),
    gettext_lazy("scored_at"),
    gettext_lazy("edition"),
    gettext_lazy("overall"),
    gettext_lazy("readiness_index"),
    gettext_lazy("tier"),
]


def assessments_csv_lines(assessments: Iterable[Assessment]) -> Iterator[str]:
    """The list as CSV lines, the header first (load rows with brand, category, edition, result).

    The header is translated when the generator is made, not when it is read: a streamed
    response is read after the view returned, when another language may be active.
    """
    header = _csv_line([str(column) for column in ASSESSMENT_COLUMNS])
    return chain([header], (_csv_line(_assessment_row(a)) for a in assessments))


def _assessment_row(a: Assessment) -> list[object]:
    result = a.result
    return [
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


def _csv_line(values: list[object]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(values)
    return out.getvalue()


def _timestamp(value: datetime | None) -> str:
    return "" if value is None else value.isoformat()
