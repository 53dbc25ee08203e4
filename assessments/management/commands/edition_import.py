"""Import a spreadsheet of weights and figures into a draft: all or nothing, or a dry run."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments import edition_import, spreadsheets
from assessments.models import Edition


class Command(BaseCommand):
    help = (
        "Import FILE (.xlsx or .csv, as edition_export writes it) into the draft DRAFT_ID. "
        "Every change and every refused row is listed; with --dry-run nothing is written, "
        "and a refused row leaves the draft untouched."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("draft_id", type=int)
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="list the changes only")

    def handle(self, *args, draft_id: int, file: str, dry_run: bool, **options) -> None:
        draft = Edition.objects.filter(pk=draft_id).first()
        if draft is None:
            raise CommandError(f"There is no edition {draft_id}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file {file}.")
        try:
            rows = spreadsheets.read(path.read_bytes(), path.name)
            report = edition_import.edition_import(draft=draft, rows=rows, dry_run=dry_run)
        except (spreadsheets.SheetUnreadable, edition_import.ImportRefused) as exc:
            raise CommandError(str(exc)) from exc
        for change in report.changes:
            self.stdout.write(str(change))
        if report.refusals:
            lines = [str(refusal) for refusal in report.refusals]
            raise CommandError("\n".join(["Nothing imported: fix these rows.", *lines]))
        self.stdout.write(_outcome(report, draft, dry_run))


def _outcome(report: edition_import.ImportReport, draft: Edition, dry_run: bool) -> str:
    if not report.changes:
        return f"The file matches {draft}: nothing to change."
    if dry_run:
        return f"Dry run: {len(report.changes)} change(s) to {draft}, nothing written."
    return f"Imported {len(report.changes)} change(s) into {draft}."
