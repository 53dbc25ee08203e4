"""The report of a scored assessment: one read shape for the web page, the API, the PDF and CSV.

Every query here is fixed in number, whatever the count of pillars, recommendations or peers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from assessments.core.presentation import shown_index
from assessments.core.prevalence import Basis
from assessments.core.texts import EditionTexts, Text
from assessments.editions import edition_spec_of
from assessments.models import Assessment, ContextFigure, Practice, Recommendation

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
    effort_label: str
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
class NextTier:
    """The tier above the brand's, and how far its threshold is from the shown index."""

    key: str
    name: Text
    min_index: float
    points: float


# The executive summary lists this many actions, those with the most expected gain.
TOP_ACTIONS = 3


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
    next_tier: NextTier | None = None

    @property
    def top_actions(self) -> list[RecommendationRow]:
        """The recommendations with the most expected gain, for the executive summary."""
        ranked = sorted(self.recommendations, key=lambda r: (-r.expected_gain, r.rank))
        return ranked[:TOP_ACTIONS]

    @property
    def index_change(self) -> float | None:
        if self.previous is None or None in (self.previous.readiness_index, self.readiness_index):
            return None
        return self.readiness_index - self.previous.readiness_index


def report_for(assessment: Assessment) -> Report:
    """The report of a scored assessment (load it with Assessment.objects.with_report())."""
    result = assessment.result
    if result is None:
        raise ValueError(f"Assessment {assessment.pk} has no result yet ({assessment.status}).")
    previous = _previous(assessment)
    before = {p.key: p.score for p in previous.result.pillars.all()} if previous else {}
    # No query once the edition is cached: published editions are read once per process.
    spec = edition_spec_of(result.edition)
    texts = spec.texts
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
        previous=Previous(previous.pk, previous.submitted_at, previous.result.readiness_index)
        if previous
        else None,
        percentile=percentile(assessment),
        context=list(ContextFigure.objects.filter(edition_id=result.edition_id)),
        next_tier=_next_tier(spec.tiers, result.readiness_index, texts),
    )


def _next_tier(tiers, index: float | None, texts: EditionTexts) -> NextTier | None:
    """The lowest tier above the index as shown; None at the top or without an index."""
    shown = shown_index(index)
    if shown is None:
        return None
    above = [tier for tier in tiers if tier.min_index > shown]
    if not above:
        return None
    tier = min(above, key=lambda t: t.min_index)
    points = round(tier.min_index - shown, 1)
    return NextTier(tier.key, texts.tier_name(tier.key, tier.name), tier.min_index, points)


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
