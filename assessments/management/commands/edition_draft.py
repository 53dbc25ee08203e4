"""Create a draft from an edition, from a script (as the admin's copy button does)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from assessments import publishing
from assessments.models import Edition


class Command(BaseCommand):
    help = "Copy EDITION_ID into a new draft and print the draft's id."

    def add_arguments(self, parser) -> None:
        parser.add_argument("edition_id", type=int)
        parser.add_argument("--label", default="", help="the draft's label (default: generated)")

    def handle(self, *args, edition_id: int, label: str, **options) -> None:
        edition = Edition.objects.filter(pk=edition_id).first()
        if edition is None:
            raise CommandError(f"There is no edition {edition_id}.")
        if label and Edition.objects.filter(label=label).exists():
            raise CommandError(f"An edition is already labelled {label!r}: choose another label.")
        draft = publishing.edition_copy(edition=edition, label=label)
        self.stdout.write(f"Created draft {draft.pk}: {draft}")
