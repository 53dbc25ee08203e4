"""Publish a draft edition from a script, optionally rescoring on it with a progress bar."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from assessments import publishing
from assessments.models import Edition


class Command(BaseCommand):
    help = (
        "Publish a draft edition (the same checks as the admin). With --rescore, score the latest "
        "assessment of each brand again on it, in chunks, in this process."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("edition_id", type=int)
        parser.add_argument("--rescore", action="store_true")
        parser.add_argument("--label", help="the label users read (required for a copy's label)")
        parser.add_argument("--note", help="the release note users read, in English")
        parser.add_argument("--note-zh", default="", help="the release note in Chinese")
        parser.add_argument(
            "--chunk-size", type=int, default=None, help="assessments per chunk (default: settings)"
        )

    def handle(self, *args, edition_id: int, rescore: bool, chunk_size: int | None, **options):
        release = _release(options)
        if chunk_size is not None and chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        edition = Edition.objects.filter(pk=edition_id).first()
        if edition is None:
            raise CommandError(f"There is no edition {edition_id}.")
        current = Edition.objects.filter(is_current=True).values_list("pk", flat=True).first()
        try:
            if edition.is_draft:
                edition = publishing.edition_publish(
                    edition_id=edition_id, expected_current_id=current, **release
                )
                self.stdout.write(f"Published {edition}: it is now the current edition.")
            elif not rescore:
                raise CommandError(f"{edition} is already published; nothing to do.")
            if rescore:
                self._rescore(edition, chunk_size)
        except publishing.EditionRefused as refused:
            problems = getattr(refused, "problems", None) or [str(refused)]
            raise CommandError("\n".join(["Not published:", *problems])) from refused

    def _rescore(self, edition: Edition, chunk_size: int | None) -> None:
        job = publishing.rescore_start(edition=edition, chunk_size=chunk_size, enqueue=False)
        chunks = job.chunks.values_list("number", "assessment_ids")
        with tqdm(total=job.total, unit="assessment", file=self.stderr) as bar:
            for number, ids in chunks.iterator(chunk_size=50):
                publishing.rescore_chunk(job_id=job.pk, number=number)
                bar.update(len(ids))
        job.refresh_from_db()
        self.stdout.write(f"Rescored {job.done} of {job.total} assessments on {edition}.")


def _release(options: dict) -> dict:
    """The label and release note given on the command line (absent: the draft's own)."""
    release: dict = {"label": options.get("label")}
    if options.get("note") is not None:
        release["release_notes"] = {"en": options["note"], "zh-hans": options["note_zh"]}
    return release
