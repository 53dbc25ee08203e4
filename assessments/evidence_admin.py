"""What the admin's edition page says about its evidence: which figures have grown old."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from assessments.core import evidence as ev
from assessments.models import Citation, Edition


@dataclass(frozen=True)
class StaleFigure:
    citation: Citation
    age: int


def stale_figures(edition: Edition) -> list[StaleFigure]:
    """The edition's benchmark figures older than EVIDENCE_STALE_AFTER_YEARS, oldest first."""
    this_year = timezone.now().year
    after = settings.EVIDENCE_STALE_AFTER_YEARS
    citations = (
        Citation.objects.filter(practice__edition=edition, use=Citation.Use.BENCHMARK)
        .select_related("practice", "category")
        .order_by("year", "practice__key", "id")
    )
    return [
        StaleFigure(citation, ev.age_in_years(citation.year, this_year))
        for citation in citations
        if ev.stale(citation.year, this_year, after)
    ]
