"""The report of a scored assessment: one read shape for the web page, the API, the PDF and CSV.

Every query here is fixed in number, whatever the count of pillars, recommendations or peers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Q

from assessments.core.prevalence import Basis
from assessments.core.texts import EditionTexts, Text
from assessments.edition_specs import edition_spec_of
from assessments.models import Assessment, ContextFigure, Practice, Recommendation

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# Fewer peers than this and a percentile would let a brand read a competitor's score off it.
MIN_PEER_BRANDS = 5


@dataclass(frozen=True)
class PillarRow:
    key: str
    name: Text
    score: float | None
    benchmark: float | None
    gap: float | None
    change: float | None  # since the brand's previous scored assessment


@dataclass(frozen=True)
class RecommendationRow:
    rank: int
    bucket: str
    practice_key: str
    pillar_key: str
    title: Text
    text: Text
    effort: int
    effort_label: StrPromise  # translated when shown
    expected_gain: float
    share: float | None
    basis: str
    is_fallback: bool
    evidence: list[dict]


@dataclass(frozen=True)
class Previous:
    assessment_id: int
    submitted_at: datetime | None
    readiness_index: float | None


@dataclass(frozen=True)
class Report:
    assessment: Assessment
    overall: float | None
    benchmark_overall: float | None
    readiness_index: float | None
    tier_key: str
    # Texts in both languages, resolved from the result's (immutable) edition by key, with the
    # result's stored English copy as the fallback: pages pick the language when they show them.
    tier_name: Text
    tier_summary: Text
    edition_id: int
    edition_label: str
    pillars: list[PillarRow]
    recommendations: list[RecommendationRow]
    previous: Previous | None
    percentile: float | None
    context: list[ContextFigure]
    # What changed in the edition, in the reader's language (English where no Chinese).
    edition_release_note: str = ""

    @property
    def index_change(self) -> float | None:
        before = self.previous.readiness_index if self.previous else None
        if before is None or self.readiness_index is None:
            return None
        return self.readiness_index - before


def report_for(assessment: Assessment) -> Report:
    """The report of a scored assessment (load it with Assessment.objects.with_report())."""
    result = assessment.result
    if result is None:
        raise ValueError(f"Assessment {assessment.pk} has no result yet ({assessment.status}).")
    previous = _previous(assessment)
    earlier = previous.result if previous else None
    before = {p.key: p.score for p in earlier.pillars.all()} if earlier else {}
    # No query once the edition is cached: published editions are read once per process.
    texts = edition_spec_of(result.edition).texts
    return Report(
        assessment=assessment,
        overall=result.overall,
        benchmark_overall=result.benchmark_overall,
        readiness_index=result.readiness_index,
        tier_key=result.tier_key,
        tier_name=texts.tier_name(result.tier_key, result.tier_name),
        tier_summary=texts.tier_summary(result.tier_key, result.tier_summary),
        edition_id=result.edition_id,
        edition_label=result.edition.label,
        pillars=[_pillar_row(p, before.get(p.key), texts) for p in result.pillars.all()],
        recommendations=[_recommendation_row(r, texts) for r in result.recommendations.all()],
        previous=Previous(previous.pk, previous.submitted_at, earlier.readiness_index)
        if previous and earlier
        else None,
        percentile=percentile(assessment),
        context=list(ContextFigure.objects.filter(edition_id=result.edition_id)),
        edition_release_note=result.edition.release_note or "",
    )


def _previous(assessment: Assessment) -> Assessment | None:
    """The brand's latest scored assessment submitted before this one."""
    if assessment.submitted_at is None:
        return None
    return (
        Assessment.objects.filter(
            brand_id=assessment.brand_id,
            status=Assessment.Status.SCORED,
            submitted_at__lt=assessment.submitted_at,
        )
        .select_related("result")
        .prefetch_related("result__pillars")
        .order_by("-submitted_at")
        .first()
    )


def _pillar_row(pillar, score_before: float | None, texts: EditionTexts) -> PillarRow:
    change = None
    if pillar.score is not None and score_before is not None:
        change = pillar.score - score_before
    return PillarRow(
        key=pillar.key,
        name=texts.pillar(pillar.key, pillar.name),
        score=pillar.score,
        benchmark=pillar.benchmark,
        gap=pillar.gap,
        change=change,
    )


def _recommendation_row(rec: Recommendation, texts: EditionTexts) -> RecommendationRow:
    return RecommendationRow(
        rank=rec.rank,
        bucket=rec.bucket,
        practice_key=rec.practice_key,
        pillar_key=rec.pillar_key,
        title=texts.practice_title(rec.practice_key, rec.title),
        text=texts.recommendation(rec.practice_key, rec.text),
        effort=rec.effort,
        effort_label=Practice.Effort(rec.effort).label,
        expected_gain=rec.expected_gain,
        share=rec.share,
        basis=rec.basis,
        is_fallback=Basis(rec.basis).is_fallback,
        evidence=[_evidence(e, texts) for e in rec.evidence],
    )


def _evidence(citation: dict, texts: EditionTexts) -> dict:
    """A stored citation with its statement and population as texts in both languages."""
    statement = citation.get("statement", "")
    return citation | {
        "statement": texts.citation(statement, "statement", statement),
        "population": texts.citation(statement, "population", citation.get("population") or ""),
    }


def percentile(assessment: Assessment) -> float | None:
    """Share of other brands' scored assessments in the category that this one beats (0-100).

    None while fewer than MIN_PEER_BRANDS other brands have one, so that no single competitor's
    score can be read off it. Ties count half, as in the usual percentile rank.
    """
    index = assessment.result.readiness_index if assessment.result else None
    if index is None:
        return None
    peers = Assessment.objects.filter(
        category_id=assessment.category_id,
        status=Assessment.Status.SCORED,
        result__readiness_index__isnull=False,
    ).exclude(brand_id=assessment.brand_id)
    counts = peers.aggregate(
        brands=Count("brand", distinct=True),
        total=Count("pk"),
        below=Count("pk", filter=Q(result__readiness_index__lt=index)),
        equal=Count("pk", filter=Q(result__readiness_index=index)),
    )
    if counts["brands"] < MIN_PEER_BRANDS:
        return None
    return 100 * (counts["below"] + counts["equal"] / 2) / counts["total"]
