"""The edition admin's spreadsheet pages: download an edition's table, upload one into a draft.

The file format is assessments/spreadsheets.py's; the import is assessments/edition_import.py's.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments import edition_import, spreadsheets
from assessments.models import Edition

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.xlsx or .csv)"),
        help_text=gettext_lazy("As the export writes it: one row per weight and per citation."),
    )


def export_response(edition: Edition, fmt: str) -> HttpResponse:
    table = spreadsheets.edition_table(edition.pk)
    content = spreadsheets.xlsx_bytes(table) if fmt == "xlsx" else spreadsheets.csv_bytes(table)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    name = f"edition-{edition.pk}-benchmark.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def import_page(request: HttpRequest, edition: Edition, context: dict) -> HttpResponse:
    """GET: the upload form; POST: a dry run ("check") or the import itself."""
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = _run(request, edition, form, dry_run="import" not in request.POST)
    context = {**context, "edition": edition, "form": form, "report": report}
    return TemplateResponse(request, "admin/assessments/edition/import.html", context)


def _run(request: HttpRequest, edition: Edition, form: ImportForm, *, dry_run: bool):
    upload = form.cleaned_data["file"]
    try:
        rows = spreadsheets.read(upload.read(), upload.name)
        report = edition_import.edition_import(
            draft=edition, rows=rows, user=request.user, dry_run=dry_run
        )
    except (spreadsheets.SheetUnreadable, edition_import.ImportRefused) as exc:
        messages.error(request, str(exc))
        return None
    _say(request, report, dry_run)
    return report


def _say(request: HttpRequest, report: edition_import.ImportReport, dry_run: bool) -> None:
    count = {"count": len(report.changes), "refused": len(report.refusals)}
    if report.refusals:
        messages.error(
            request,
            _("Nothing imported: %(refused)d row(s) refused. Fix them and upload again.") % count,
        )
    elif not report.changes:
        messages.info(request, _("The file matches the draft: nothing to change."))
    elif dry_run:
        messages.info(
            request,
            _("Dry run: %(count)d change(s), nothing written. Upload again with Import to apply.")
            % count,
        )
    else:
        messages.success(request, _("Imported %(count)d change(s) into the draft.") % count)
