"""Score a brand's answers against the China benchmark for its category.

The maths, in the order it is computed (nothing is rounded; rounding is display):

* Practice adoption ``a_p``: the mean level (0..1) of the practice's answered
  questions. A practice with no answered question is not applicable and is left
  out of numerator and denominator alike, for the brand and the benchmark.
* Pillar score ``S = 100 * sum(w_p * a_p) / sum(w_p)`` and benchmark pillar score
  ``B = 100 * sum(w_p * share_p) / sum(w_p)``, both over the SAME set: applicable
  practices with a known benchmark share. An empty set, or one whose weights sum
  to 0, gives the pillar no score and it drops out of the overall.
* Overall ``sum(W_k * S_k) / sum(W_k)`` (and likewise with ``B_k``) over the
  pillars that have a score.
* Readiness index ``100 * overall / benchmark overall``: 100 means on par with the
  China benchmark; the tier is the one with the highest ``min_index <= index``.

Answers must already be validated (multiple choices may come back from JSON as
lists); a missing key is treated like N/A so an edition with new questions can
rescore old answers, and unknown keys are ignored. A question that skip logic hides
(core/skip.py) counts as N/A, whatever answer was stored for it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from assessments.core.answers import InvalidAnswer, answer_json, answer_level
from assessments.core.evidence import citation_json
from assessments.core.prevalence import ResolvedPrevalence, resolve_prevalence
from assessments.core.skip import applicable
from assessments.core.specs import (
    EditionSpec,
    PillarSpec,
    PracticeSpec,
    QuestionSpec,
    TierSpec,
)

# Scores are percentages of full adoption (0..100).
SCORE_SCALE = 100.0
# An index of 100 means the brand is on par with the benchmark.
PAR_INDEX = 100.0


@dataclass(frozen=True, slots=True)
class AnsweredQuestion:
    """An answer as used for scoring; ``level`` is None for an N/A answer."""

    key: str
    value: object
    level: float | None


@dataclass(frozen=True, slots=True)
class PracticeScore:
    """A practice's adoption (None = not applicable) next to its benchmark share."""

    key: str
    title: str
    weight: float
    adoption: float | None
    prevalence: ResolvedPrevalence
    answers: tuple[AnsweredQuestion, ...]

    @property
    def counted(self) -> bool:
        """True when the practice is in its pillar's score: applicable with a known share."""
        return self.adoption is not None and self.prevalence.share is not None


@dataclass(frozen=True, slots=True)
class PillarScore:
    """A pillar's score and benchmark score (0..100, None when nothing counted)."""

    key: str
    name: str
    weight: float
    score: float | None
    benchmark: float | None
    practices: tuple[PracticeScore, ...]

    @property
    def counted_weight(self) -> float:
        """The denominator of the pillar score: the weights of its counted practices."""
        return sum((practice.weight for practice in self.practices if practice.counted), 0.0)


@dataclass(frozen=True, slots=True)
class Scorecard:
    """The full result of scoring one set of answers for one category."""

    overall: float | None
    benchmark_overall: float | None
    index: float | None
    tier: TierSpec | None
    category: str
    edition_id: int
    pillars: tuple[PillarScore, ...]

    @property
    def scored_weight(self) -> float:
        """The denominator of the overall score: the weights of pillars with a score."""
        return sum((pillar.weight for pillar in self.pillars if pillar.score is not None), 0.0)

    def pillar(self, key: str) -> PillarScore:
        """Return the score of the pillar with this key; raise KeyError if there is none."""
        for pillar in self.pillars:
            if pillar.key == key:
                return pillar
        raise KeyError(key)

    def practice(self, key: str) -> PracticeScore:
        """Return the score of the practice with this key; raise KeyError if there is none."""
        for pillar in self.pillars:
            for practice in pillar.practices:
                if practice.key == key:
                    return practice
        raise KeyError(key)

    def explain(self) -> dict[str, Any]:
        """Return a JSON-serialisable account of every number and what produced it."""
        return {
            "edition_id": self.edition_id,
            "category": self.category,
            "method": METHOD,
            "overall": self.overall,
            "benchmark_overall": self.benchmark_overall,
            "scored_weight": self.scored_weight,
            "index": self.index,
            "tier": _explain_tier(self.tier),
            "pillars": [_explain_pillar(pillar) for pillar in self.pillars],
        }


METHOD = {
    "adoption": "mean level of the practice's answered questions (N/A answers left out)",
    "pillar_score": "100 * sum(weight * adoption) / sum(weight) over counted practices",
    "pillar_benchmark": "100 * sum(weight * share) / sum(weight) over the same practices",
    "counted": "a practice counts when it has an answered question and a benchmark share",
    "overall": "sum(pillar weight * pillar score) / sum(pillar weight) over scored pillars",
    "benchmark_overall": "the same with pillar benchmark scores",
    "index": "100 * overall / benchmark_overall (100 = on par with the benchmark)",
    "tier": "the tier with the highest min_index not above the index",
}


def score(
    edition: EditionSpec,
    category: str,
    answers: Mapping[str, object],
    prevalence: Mapping[str, ResolvedPrevalence] | None = None,
) -> Scorecard:
    """Score validated answers for a brand of ``category`` (see module docstring).

    Pass ``prevalence`` (from resolve_prevalence for the same edition and category)
    to reuse it across calls; it is resolved here otherwise.
    """
    if prevalence is None:
        prevalence = resolve_prevalence(edition, category)
    # A question that skip logic hides counts as not applicable, whatever was stored for it.
    answers = applicable(edition, answers)
    pillars = tuple(
        _score_pillar(pillar, edition.practices_in(pillar.key), edition, answers, prevalence)
        for pillar in edition.pillars
    )
    scored = [pillar for pillar in pillars if pillar.score is not None]
    overall = _scaled_mean((pillar.weight, pillar.score) for pillar in scored)
    benchmark = _scaled_mean((pillar.weight, pillar.benchmark) for pillar in scored)
    index = _index(overall, benchmark)
    return Scorecard(
        overall=overall,
        benchmark_overall=benchmark,
        index=index,
        tier=_tier_for(edition.tiers, index),
        category=category,
        edition_id=edition.id,
        pillars=pillars,
    )


def _score_pillar(
    pillar: PillarSpec,
    practices: Iterable[PracticeSpec],
    edition: EditionSpec,
    answers: Mapping[str, object],
    prevalence: Mapping[str, ResolvedPrevalence],
) -> PillarScore:
    scores = tuple(
        _score_practice(practice, edition, answers, prevalence[practice.key])
        for practice in practices
    )
    counted = [practice for practice in scores if practice.counted]
    brand = _weighted_mean((p.weight, p.adoption) for p in counted)
    benchmark = _weighted_mean((p.weight, p.prevalence.share) for p in counted)
    return PillarScore(
        key=pillar.key,
        name=pillar.name,
        weight=pillar.weight,
        score=_to_score(brand),
        benchmark=_to_score(benchmark),
        practices=scores,
    )


def _score_practice(
    practice: PracticeSpec,
    edition: EditionSpec,
    answers: Mapping[str, object],
    prevalence: ResolvedPrevalence,
) -> PracticeScore:
    # A plain loop and math.fsum (what statistics.fmean computes, without its generic
    # checks): this runs for every practice of every assessment scored (bench/notes/scoring.md).
    answered: list[AnsweredQuestion] = []
    levels: list[float] = []
    for question in edition.questions_for(practice.key):
        if question.key not in answers:
            continue
        answer = _answered(question, answers[question.key])
        if answer is not None:
            answered.append(answer)
            if answer.level is not None:
                levels.append(answer.level)
    return PracticeScore(
        key=practice.key,
        title=practice.title,
        weight=practice.weight,
        adoption=math.fsum(levels) / len(levels) if levels else None,
        prevalence=prevalence,
        answers=tuple(answered),
    )


def _answered(question: QuestionSpec, value: object) -> AnsweredQuestion | None:
    """The answer with its level; None when this edition no longer accepts it.

    Rescoring old answers on a later edition must not fail because a choice was retired: such
    an answer counts as not given, like a question the brand never saw.
    """
    # Answers stored as JSON bring multiple choices back as lists; keep the scorecard immutable.
    if isinstance(value, list):
        value = tuple(value)
    try:
        return AnsweredQuestion(question.key, value, answer_level(question, value))
    except InvalidAnswer:
        return None


def _scaled_mean(pairs: Iterable[tuple[float, float | None]]) -> float | None:
    """Return the weighted mean of scores (0..100), or None when nothing carries weight.

    Averaging fractions and scaling once keeps float rounding from pushing the
    result past 100: a weighted mean of values <= 1 never rounds above 1.
    """
    return _to_score(_weighted_mean((weight, _to_fraction(value)) for weight, value in pairs))


def _to_score(fraction: float | None) -> float | None:
    return None if fraction is None else SCORE_SCALE * fraction


def _to_fraction(score: float | None) -> float | None:
    return None if score is None else score / SCORE_SCALE


def _weighted_mean(pairs: Iterable[tuple[float, float | None]]) -> float | None:
    """Return sum(w * v) / sum(w), or None when there is no positive weight."""
    total_weight = 0.0
    total = 0.0
    for weight, value in pairs:
        assert value is not None, "callers pass only counted practices and scored pillars"
        total_weight += weight
        total += weight * value
    # Weights are >= 0, so a zero sum means nothing carries weight.
    return total / total_weight if total_weight > 0 else None


def _index(overall: float | None, benchmark: float | None) -> float | None:
    if overall is None or not benchmark:
        return None
    index = PAR_INDEX * overall / benchmark
    # A benchmark within float rounding of 0 overflows the ratio: treat it like 0.
    return index if math.isfinite(index) else None


def _tier_for(tiers: Iterable[TierSpec], index: float | None) -> TierSpec | None:
    if index is None:
        return None
    reached = [tier for tier in tiers if tier.min_index <= index]
    return max(reached, key=lambda tier: tier.min_index, default=None)


def _explain_tier(tier: TierSpec | None) -> dict[str, Any] | None:
    if tier is None:
        return None
    return {"key": tier.key, "name": tier.name, "min_index": tier.min_index}


def _explain_pillar(pillar: PillarScore) -> dict[str, Any]:
    return {
        "key": pillar.key,
        "name": pillar.name,
        "weight": pillar.weight,
        "score": pillar.score,
        "benchmark": pillar.benchmark,
        "counted_weight": pillar.counted_weight,
        "practices": [_explain_practice(practice) for practice in pillar.practices],
    }


def _explain_practice(practice: PracticeScore) -> dict[str, Any]:
    prevalence = practice.prevalence
    return {
        "key": practice.key,
        "title": practice.title,
        "weight": practice.weight,
        "adoption": practice.adoption,
        "counted": practice.counted,
        "excluded_because": _exclusion_reason(practice),
        "benchmark_share": prevalence.share,
        "benchmark_basis": str(prevalence.basis),
        "benchmark_is_fallback": prevalence.basis.is_fallback,
        "evidence": [citation_json(citation) for citation in prevalence.citations],
        "answers": [
            {"question": a.key, "value": answer_json(a.value), "level": a.level}
            for a in practice.answers
        ],
    }


def _exclusion_reason(practice: PracticeScore) -> str | None:
    if practice.adoption is None:
        return "not applicable: no answered question"
    if practice.prevalence.share is None:
        return "no benchmark figure for this practice"
    return None
