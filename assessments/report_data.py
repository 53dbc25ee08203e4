"""The report of a scored assessment: one read shape for the web page, the API, the PDF and CSV.

Every query here is fixed in number, whatever the count of pillars, recommendations or peers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Subquery

from assessments import standings
from assessments.core import evidence as ev
from assessments.core.evidence import Evidence, Wording
from assessments.core.presentation import shown_index
from assessments.core.prevalence import Basis
from assessments.core.texts import EditionTexts, Text
from assessments.edition_specs import edition_spec_of
from assessments.models import Assessment, ContextFigure, Edition, Practice, Recommendation

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# Fewer peers than this and a percentile would let a brand read a competitor's score off it.
MIN_PEER_BRANDS = 5
# A recommendation's basis when its figure was observed among brands assessed here.
OBSERVED = "observed"
BASES = (*(basis.value for basis in Basis), OBSERVED)


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
    # The resolution step (prevalence.Basis), or "observed" for a figure observed here.
    basis: str
    is_fallback: bool
    # Each citation once: the figures behind the share, then the practice's statements.
    evidence: list[Evidence]
    wording: Wording

    @property
    def figures(self) -> list[Evidence]:
        """The figures behind the share: one for a direct figure, all those an estimate averaged."""
        return [e for e in self.evidence if e.is_figure]

    @property
    def figure(self) -> Evidence | None:
        """The one figure a direct share quotes (None for an estimate)."""
        figures = self.figures
        return figures[0] if figures and self.wording is not Wording.ESTIMATE else None

    @property
    def statements(self) -> list[Evidence]:
        """The practice's own qualitative evidence ("ubiquitous"), shown beside the share."""
        return [e for e in self.evidence if not e.is_figure]

    @property
    def estimate_counts_brands(self) -> bool:
        return ev.estimate_counts_brands(self.figures)


@dataclass(frozen=True)
class Previous:
    assessment_id: int
    submitted_at: datetime | None
    readiness_index: float | None
    edition_id: int
    edition_label: str
    # False when the previous result was scored on another edition: a move between the two is
    # partly a change of benchmark, and every report says so.
    same_edition: bool = True


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
class ReportState:
    """What a report shows that may change after its result is stored: the brand's previous
    scored assessment (one scored late moves in before it), the category's percentile (peers
    keep being scored), and the current edition's label (a new one is published).

    The rest of a report is fixed with its result and its (read-only) edition; the API keeps
    that part built (api/stored_reports.py) and reads only this afresh.
    """

    previous: Previous | None
    # The previous result's pillar scores by key, for each pillar's change.
    scores_before: Mapping[str, float | None]
    percentile: float | None
    current_edition_label: str | None


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
    context: list[ContextFigure]
    # The previous assessment, the percentile and the current edition, read afresh.
    state: ReportState
    next_tier: NextTier | None = None

    @property
    def previous(self) -> Previous | None:
        return self.state.previous

    @property
    def percentile(self) -> float | None:
        return self.state.percentile

    @property
    def current_edition_label(self) -> str | None:
        """None while the result's edition is current; else the current one's label (a 2017
        result stays on 2017 and says so)."""
        return self.state.current_edition_label

    @property
    def top_actions(self) -> list[RecommendationRow]:
        """The recommendations with the most expected gain, for the executive summary."""
        ranked = sorted(self.recommendations, key=lambda r: (-r.expected_gain, r.rank))
        return ranked[:TOP_ACTIONS]

    @property
    def edition_changed(self) -> bool:
        """True when the previous result was scored on another edition than this one."""
        return self.previous is not None and not self.previous.same_edition

    # What changed in the edition, in the reader's language (English where no Chinese).
    edition_release_note: str = ""

    @property
    def index_change(self) -> float | None:
        before = self.previous.readiness_index if self.previous else None
        if before is None or self.readiness_index is None:
            return None
        return self.readiness_index - before


def report_state(assessment: Assessment) -> ReportState:
    """A scored assessment's ReportState, in two queries (three on an older edition)."""
    result = assessment.result
    if result is None:
        raise ValueError(f"Assessment {assessment.pk} has no result yet ({assessment.status}).")
    previous, scores_before = _previous_with_scores(assessment, result.edition_id)
    return ReportState(
        previous=previous,
        scores_before=scores_before,
        percentile=percentile(assessment),
        current_edition_label=_current_label(result.edition),
    )


def pillar_change(score: float | None, score_before: float | None) -> float | None:
    """A pillar's change since the previous assessment (None when either score is missing)."""
    if score is None or score_before is None:
        return None
    return score - score_before


def report_for(assessment: Assessment) -> Report:
    """The report of a scored assessment (load it with Assessment.objects.with_report())."""
    state = report_state(assessment)
    result = assessment.result
    assert result is not None  # report_state() raised otherwise
    # No query once the edition is cached: published editions are read once per process.
    spec = edition_spec_of(result.edition)
    texts, known = spec.texts, ev.edition_evidence(spec)
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
        pillars=[
            _pillar_row(p, state.scores_before.get(p.key), texts) for p in result.pillars.all()
        ],
        recommendations=[
            _recommendation_row(r, texts, known) for r in result.recommendations.all()
        ],
        context=list(ContextFigure.objects.filter(edition_id=result.edition_id)),
        state=state,
        next_tier=_next_tier(spec.tiers, result.readiness_index, texts),
        edition_release_note=result.edition.release_note or "",
    )


def _current_label(edition: Edition) -> str | None:
    """The current edition's label when the result's edition is not current (one query then)."""
    if edition.is_current:
        return None
    return Edition.objects.filter(is_current=True).values_list("label", flat=True).first()


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


def _previous_with_scores(
    assessment: Assessment, edition_id: int
) -> tuple[Previous | None, dict[str, float | None]]:
    """The brand's latest scored assessment submitted before this one, and its pillar scores.

    One query: a row per pillar of its result, each repeating the assessment's own columns.
    """
    if assessment.submitted_at is None:
        return None, {}
    if connection.vendor == "postgresql":
        rows = _previous_rows_sql(assessment)
    else:
        rows = _previous_rows(assessment)
    if not rows:
        return None, {}
    pk, submitted_at, index, previous_edition, label = rows[0][:5]
    previous = Previous(
        assessment_id=pk,
        submitted_at=submitted_at,
        readiness_index=index,
        edition_id=previous_edition,
        edition_label=label,
        same_edition=previous_edition == edition_id,
    )
    return previous, {key: score for *_, key, score in rows if key is not None}


# _previous_rows() as one fixed statement: building and compiling that queryset was most of a
# built API report's time once its fixed part was stored (bench/notes/reads.md).
_PREVIOUS_SQL = """
SELECT a.id, a.submitted_at, r.readiness_index, r.edition_id, e.label, p.key, p.score
FROM assessments_assessment a
JOIN assessments_result r ON r.id = a.result_id
JOIN assessments_edition e ON e.id = r.edition_id
LEFT JOIN assessments_pillarresult p ON p.result_id = r.id
WHERE a.id = (
    SELECT id FROM assessments_assessment
    WHERE brand_id = %s AND status = %s AND submitted_at < %s
    ORDER BY submitted_at DESC
    LIMIT 1
)
"""


def _previous_rows_sql(assessment: Assessment) -> list[tuple]:
    with connection.cursor() as cursor:
        status = Assessment.Status.SCORED.value
        cursor.execute(_PREVIOUS_SQL, (assessment.brand_id, status, assessment.submitted_at))
        return cursor.fetchall()


def _previous_rows(assessment: Assessment) -> list[tuple]:
    """The previous assessment's columns and its pillars, a row per pillar (or one without)."""
    latest = (
        Assessment.objects.filter(
            brand_id=assessment.brand_id,
            status=Assessment.Status.SCORED,
            submitted_at__lt=assessment.submitted_at,
        )
        .order_by("-submitted_at")
        .values("pk")[:1]
    )
    return list(
        Assessment.objects.filter(pk=Subquery(latest), result__isnull=False)
        .order_by()
        .values_list(
            "pk",
            "submitted_at",
            "result__readiness_index",
            "result__edition_id",
            "result__edition__label",
            "result__pillars__key",
            "result__pillars__score",
        )
    )


def _pillar_row(pillar, score_before: float | None, texts: EditionTexts) -> PillarRow:
    return PillarRow(
        key=pillar.key,
        name=texts.pillar(pillar.key, pillar.name),
        score=pillar.score,
        benchmark=pillar.benchmark,
        gap=pillar.gap,
        change=pillar_change(pillar.score, score_before),
    )


def _recommendation_row(
    rec: Recommendation, texts: EditionTexts, known: Mapping[str, Evidence]
) -> RecommendationRow:
    evidence = ev.once_each(ev.from_stored(stored, known) for stored in rec.evidence)
    wording = ev.wording(rec.basis, [e for e in evidence if e.is_figure])
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
        basis=OBSERVED if wording is Wording.OBSERVED else rec.basis,
        is_fallback=Basis(rec.basis).is_fallback,
        evidence=evidence,
        wording=wording,
    )


def percentile(assessment: Assessment) -> float | None:
    """Share of other brands' scored assessments in the category that this one beats (0-100).

    None while fewer than MIN_PEER_BRANDS other brands have one, so that no single competitor's
    score can be read off it. Ties count half, as in the usual percentile rank.
    """
    index = assessment.result.readiness_index if assessment.result else None
    if index is None:
        return None
    # From the category's standing (assessments/standings.py), whatever the category's size.
    peers = standings.peer_counts(
        category_id=assessment.category_id, brand_id=assessment.brand_id, index=index
    )
    if peers.brands < MIN_PEER_BRANDS:
        return None
    return 100 * (peers.below + peers.equal / 2) / peers.total
