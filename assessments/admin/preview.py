"""What the publish and preview pages explain: the diff, pillar names, every brand, the causes.

A preview is a set of numbers; these make it read: pillars by name, each brand's before and
after a page at a time, the largest moves with the changed rows behind them, and whether the
preview still describes the draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import cast

from django.core.paginator import Paginator
from django.http import HttpRequest

from assessments import edition_diff, publishing
from assessments.core.impact import ImpactSummary, Mover
from assessments.models import Edition, EditionJob, Pillar

BRANDS_PER_PAGE = 50


class _Brands:
    """The preview's brands as a sequence the Paginator slices: only a page's chunks are read."""

    def __init__(self, job: EditionJob, count: int) -> None:
        self.job, self.total = job, count

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, page: slice):
        start, stop = page.start or 0, min(page.stop or self.total, self.total)
        return publishing.preview_brands(self.job, offset=start, limit=max(stop - start, 0))


def impact_context(
    request: HttpRequest, edition: Edition, job: EditionJob, summary: ImpactSummary
) -> dict[str, object]:
    names = dict(Pillar.objects.filter(edition=edition).values_list("key", "name"))
    # _Brands has what Paginator uses of a sequence: len() and slices.
    brands = cast(Sequence[Mover], _Brands(job, summary.assessments))
    pages: Paginator[Mover] = Paginator(brands, BRANDS_PER_PAGE)
    page = pages.get_page(request.GET.get("page"))
    explained = []
    if edition.is_draft:
        diff = edition_diff.edition_diff(edition)
        movers = summary.largest_moves
        causes = edition_diff.explain_moves(edition, [m.assessment_id for m in movers], diff)
        explained = [(m, causes.get(m.assessment_id, [])) for m in movers]
    return {
        "pillar_shifts": [
            (names.get(key, key), shift) for key, shift in summary.pillar_mean_shift.items()
        ],
        "brands": page,
        "explained": explained,
    }


def publish_context(request: HttpRequest, edition: Edition) -> dict[str, object]:
    """The publish page: the diff against the base, the latest preview and whether it is stale."""
    preview = edition_diff.latest_preview(edition)
    summary = publishing.preview_summary(preview) if preview else None
    diff = edition_diff.edition_diff(edition) if edition.is_draft else []
    context: dict[str, object] = {
        "preview": preview,
        "summary": summary,
        "stale": edition.is_draft and edition_diff.preview_is_stale(edition, preview),
        "diff_groups": [(g, list(rows)) for g, rows in groupby(diff, key=lambda d: d.group)],
        "diff_count": len(diff),
    }
    if preview is not None and summary is not None:
        context.update(impact_context(request, edition, preview, summary))
    return context
