"""A report as CSV, XLSX and PDF: the same content as the report page, in the active language.

CSV headers and labels are translated like the page; the values a program reads (numbers, ids,
slugs, statuses, timestamps) are the same in every language. The readiness index follows the
report's one rounding rule (presentation.shown_index) everywhere, so it never disagrees with
the tier beside it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import chain

from django.template.loader import render_to_string
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from assessments.core.formats import timestamp
from assessments.core.presentation import index_text, shown_index
from assessments.evidence_words import citation_line, context_line, share_words
from assessments.localized import TierTexts, row_text, shown
from assessments.models import Assessment
from assessments.plans import PlanSection, assessment_plan
from assessments.report_data import Report


def _number(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


# Excel reads a CSV as the system's legacy code page unless it starts with a byte-order mark:
# Chinese names (and "Lumière") turn to mojibake without it.
EXCEL_BOM = "\ufeff"


def report_csv(report: Report, *, bom: bool = False) -> str:
    """One CSV with a summary, the pillar table and the ranked recommendations.

    bom=True starts it with a UTF-8 byte-order mark, for Excel (the web download does).
    """
    out = io.StringIO()
    if bom:
        out.write(EXCEL_BOM)
    w = csv.writer(out)
    a = report.assessment
    w.writerow([str(column) for column in REPORT_COLUMNS])
    summary = _("summary")
    w.writerow([summary, _("brand"), a.brand.name, "", "", "", a.category.name])
    w.writerow(
        [
            summary,
            _("readiness index"),
            index_text(report.readiness_index),
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


def report_xlsx(report: Report) -> bytes:
    """The report as an Excel workbook (openpyxl): one sheet per section of the report page.

    Figures are numbers, not text, so that a spreadsheet can sum and chart them.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    summary = book.worksheets[0]
    summary.title = _("Summary")
    bold = Font(bold=True)
    _sheet_rows(summary, [_("item"), _("value")], _summary_cells(report), bold)
    pillars = book.create_sheet(_("Pillars"))
    _sheet_rows(
        pillars,
        [_("pillar"), _("value"), _("benchmark"), _("gap"), _("change")],
        [(shown(p.name), p.score, p.benchmark, p.gap, p.change) for p in report.pillars],
        bold,
    )
    recs = book.create_sheet(_("Recommendations"))
    _sheet_rows(
        recs,
        ["#", _("priority"), _("recommendation"), _("expected gain"), _("benchmark"), _("detail")],
        [_recommendation_cells(r) for r in report.recommendations],
        bold,
    )
    _plan_sheet(book.create_sheet(_("Plan")), assessment_plan(assessment=report.assessment), bold)
    context = book.create_sheet(_("Context"))
    _sheet_rows(
        context,
        [_("detail"), _("source"), _("year")],
        [(shown(row_text(c, "statement")), context_line(c), c.year) for c in report.context],
        bold,
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _plan_sheet(sheet, plan: PlanSection, bold) -> None:
    """ "Reach <next tier>", as on the page and in the PDF: one row per practice to raise."""
    name = shown(plan.target_name) if plan.target_name else plan.target
    reach = _("Reach %(target)s") % {"target": name}
    outcome = _("projected index") if plan.reachable else _("closest reachable index")
    sheet.append([reach, plan.target_index])
    sheet.append([outcome, plan.projected_index])
    sheet.append([_("total effort"), plan.total_effort])
    sheet.append([])
    header = [_("practice"), _("adoption now"), _("adoption after"), _("gain"), _("effort")]
    rows = [
        (shown(a.title), a.from_adoption, a.to_adoption, a.gain, str(a.effort_label))
        for a in plan.actions
    ]
    start = sheet.max_row + 1
    sheet.append([str(h) for h in header])
    for cell in sheet[start]:
        cell.font = bold
    for row in rows:
        sheet.append(list(row))
    sheet["A1"].font = bold
    sheet.column_dimensions["A"].width = 44


def _summary_cells(report: Report) -> list[tuple]:
    a, next_tier = report.assessment, report.next_tier
    return [
        (_("brand"), a.brand.name),
        (_("category"), a.category.name),
        (_("edition"), report.edition_label),
        (_("readiness index"), shown_index(report.readiness_index)),
        (_("tier"), shown(report.tier_name)),
        (_("overall score"), report.overall),
        (_("benchmark"), report.benchmark_overall),
        (_("change"), report.index_change),
        (_("next tier"), shown(next_tier.name) if next_tier else ""),
        (_("points to the next tier"), next_tier.points if next_tier else None),
    ]


def _recommendation_cells(r) -> tuple:
    share = None if r.share is None else 100 * r.share
    lines = [citation_line(e) for e in r.evidence]
    evidence = " | ".join([share_words(r), *lines] if r.share is not None else lines)
    return (r.rank, r.bucket, shown(r.title), r.expected_gain, share, evidence)


def _sheet_rows(sheet, header: list[str], rows: Iterable[tuple], bold) -> None:
    sheet.append([str(h) for h in header])
    for cell in sheet[1]:
        cell.font = bold
    for row in rows:
        sheet.append(list(row))
    sheet.column_dimensions["A"].width = 44
    sheet.freeze_panes = "A2"


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
    tiers = TierTexts(get_language())  # the language of the request, for the same reason
    return chain([header], (_csv_line(_assessment_row(a, tiers)) for a in assessments))


def _assessment_row(a: Assessment, tiers: TierTexts) -> list[object]:
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
        index_text(result.readiness_index if result else None),
        tiers.name(result) if result else "",
    ]


def _csv_line(values: list[object]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(values)
    return out.getvalue()


def _timestamp(value: datetime | None) -> str:
    return timestamp(value) or ""


def assessments_xlsx(assessments: Iterable[Assessment]) -> bytes:
    """The list as an Excel workbook: the CSV's columns, its figures as numbers to sum and chart.

    Written row by row (openpyxl's write-only mode), so a long list does not hold every cell.
    """
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Assessments")[:31])  # Excel's limit on a sheet name
    sheet.append([str(column) for column in ASSESSMENT_COLUMNS])
    tiers = TierTexts(get_language())
    for a in assessments:
        row = _assessment_row(a, tiers)
        result = a.result
        # overall and readiness_index as numbers (the CSV writes them as text).
        row[9] = result.overall if result else None
        row[10] = shown_index(result.readiness_index) if result else None
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
