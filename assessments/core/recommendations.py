"""Turn a scorecard into a ranked list of practices to work on next.

Each applicable practice that is not fully adopted gets one recommendation:

* ``expected_gain``: the points of the overall score gained if that practice alone
  went to full adoption, computed exactly from the weights:
  ``(1 - a_p) * w_p / sum_w_pillar * 100 * W_k / sum_W_scored_pillars``.
* ``priority_score = expected_gain * benchmark share / effort``: big gains on
  practices that benchmark brands commonly adopt, for little effort, come first.

Ties are broken by practice key so the ranking is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assessments.core.prevalence import Basis
from assessments.core.scoring import SCORE_SCALE, PillarScore, PracticeScore, Scorecard
from assessments.core.specs import MAX_LEVEL, CitationSpec, EditionSpec

# Recommendations are split into this many priority buckets, "P1" (first) to "P4".
BUCKETS = 4


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One practice to improve, with the numbers and evidence that rank it."""

    rank: int
    bucket: str
    practice_key: str
    pillar_key: str
    title: str
    text: str
    effort: int
    expected_gain: float
    priority_score: float
    share: float | None
    basis: Basis
    evidence: tuple[CitationSpec, ...]


def recommend(scorecard: Scorecard, edition: EditionSpec) -> tuple[Recommendation, ...]:
    """Return one ranked recommendation per applicable practice with adoption below full.

    Sorted by priority_score (highest first), then practice key; ranks run 1..n and
    buckets follow priority_bucket. A practice without a benchmark share is not in
    the score, so it can gain nothing and its priority is 0: it ranks last (but is
    still listed, because the brand has room to improve it).
    """
    # The denominators once per scorecard and pillar, not once per practice: a bulk rescoring
    # ranks a dozen practices of each of 100,000 scorecards (bench/notes/rescoring.md).
    overall_weight = scorecard.scored_weight
    unranked = [
        _unranked(pillar, practice, edition, pillar_weight, overall_weight)
        for pillar, pillar_weight in ((p, p.counted_weight) for p in scorecard.pillars)
        for practice in pillar.practices
        if practice.adoption is not None and practice.adoption < MAX_LEVEL
    ]
    unranked.sort(key=lambda fields: (-fields["priority_score"], fields["practice_key"]))
    total = len(unranked)
    # Built once, ranked: dataclasses.replace on each was a fifth of a bulk rescoring's
    # ranking time (bench/notes/rescoring.md).
    return tuple(
        Recommendation(rank=rank, bucket=priority_bucket(rank, total), **fields)
        for rank, fields in enumerate(unranked, start=1)
    )


def priority_bucket(rank: int, total: int) -> str:
    """Return "P1".."P4" for a rank (1..total): the rank's quartile, counted from the top.

    ``floor(4 * (rank - 1) / total) + 1``: the first recommendation is always P1, so a short
    list starts with what to do first; with fewer than 4 recommendations the lower buckets
    stay empty (total=1: P1; total=2: P1, P3; total=3: P1, P2, P3).
    """
    if not 1 <= rank <= total:
        raise ValueError(f"rank must be in 1..{total}, got {rank}")
    return f"P{BUCKETS * (rank - 1) // total + 1}"


def expected_gain(scorecard: Scorecard, pillar: PillarScore, practice: PracticeScore) -> float:
    """Return the overall-score points gained if ``practice`` alone went to full adoption.

    0 when the practice does not count towards the score (not applicable or no
    benchmark share) or its pillar or the overall carries no weight.
    """
    return _gain(pillar, practice, pillar.counted_weight, scorecard.scored_weight)


def _gain(
    pillar: PillarScore, practice: PracticeScore, pillar_weight: float, overall_weight: float
) -> float:
    if not practice.counted or pillar.score is None or not overall_weight > 0:
        return 0.0
    assert practice.adoption is not None  # implied by counted
    pillar_gain = (MAX_LEVEL - practice.adoption) * practice.weight / pillar_weight
    return pillar_gain * SCORE_SCALE * pillar.weight / overall_weight


def _unranked(
    pillar: PillarScore,
    practice: PracticeScore,
    edition: EditionSpec,
    pillar_weight: float,
    overall_weight: float,
) -> dict[str, Any]:
    """A recommendation's fields but its rank and bucket, known once all are sorted."""
    spec = edition.practice(practice.key)
    share = practice.prevalence.share
    gain = _gain(pillar, practice, pillar_weight, overall_weight)
    return dict(
        practice_key=practice.key,
        pillar_key=pillar.key,
        title=practice.title,
        text=spec.recommendation,
        effort=spec.effort,
        expected_gain=gain,
        # Unknown share: priority 0, so the practice ranks last instead of guessing a figure.
        priority_score=gain * (share or 0.0) / spec.effort,
        share=share,
        basis=practice.prevalence.basis,
        evidence=practice.prevalence.citations,
    )
