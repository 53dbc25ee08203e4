"""Write an edition's weights and figures to a spreadsheet (.xlsx or .csv, by the name)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from assessments import spreadsheets
from assessments.models import Edition


class Command(BaseCommand):
    help = "Export an edition's pillar and practice weights and its citations to FILE."

    def add_arguments(self, parser) -> None:
        parser.add_argument("edition_id", type=int)
        parser.add_argument("file", help="a path ending in .xlsx or .csv")

    def handle(self, *args, edition_id: int, file: str, **options) -> None:
        edition = Edition.objects.filter(pk=edition_id).first()
        if edition is None:
            raise CommandError(f"There is no edition {edition_id}.")
        table = spreadsheets.edition_table(edition_id)
        try:
            spreadsheets.write(table, file)
        except spreadsheets.SheetUnreadable as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Wrote {len(table) - 1} rows of {edition} to {file}.")
