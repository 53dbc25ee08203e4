"""The target planner: the cheapest set of practices to raise that reaches a readiness target.

Raising a practice means giving each of its answered questions (N/A answers stay N/A) the best
answer the question offers, so the practice reaches full adoption. The plan is the set of
applicable practices to raise with the least total effort whose raised answers score at or
above the target; among plans of equal effort, the one with the highest projected index wins.

Why an exact knapsack works: raising a practice never changes which practices and pillars count
(applicability and benchmark shares stay), so the index is linear in the practices' adoptions
and each practice adds a fixed number of index points, whatever else is raised. Efforts are
small integers, so a 0/1 knapsack over total effort (best gain for each effort) finds the least
effort exactly in n x total-effort steps.

The scorer has the last word: a candidate plan counts as reaching the target only if scoring
its raised answers (assessments.core.scoring.score) says so, and ``projected_index`` is that
score's index. Linear estimates within TOLERANCE of the target are left to the scorer, since
float sums in another order can differ in the last digits. A target that full adoption cannot
reach gives ``reachable=False`` and the plan that gets closest: every practice that gains.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from assessments.core.evidence import citation_json
from assessments.core.prevalence import Basis
from assessments.core.scoring import (
    PAR_INDEX,
    SCORE_SCALE,
    PillarScore,
    PracticeScore,
    Scorecard,
    score,
)
from assessments.core.specs import (
    MAX_LEVEL,
    PERCENT_SCALE,
    CitationSpec,
    EditionSpec,
    QuestionSpec,
    QuestionType,
    TierSpec,
)

# A target index is asked for in this range (the API contract): far above any tier,
# yet bounded, so a typo like 10000 is an error rather than a silently unreachable plan.
MIN_TARGET_INDEX = 0.0
MAX_TARGET_INDEX = 1000.0
# Index points: float noise of the scorer's sums is ~1e-13; a real difference is far larger.
TOLERANCE = 1e-9


def gettext_noop(message: str) -> str:
    """Mark a message for the catalogue without translating it (Django's name, no import)."""
    return message


NOT_A_TARGET = gettext_noop(
    "“%(target)s” is neither a tier (%(tiers)s) nor an index from 0 to 1000"
)
OUT_OF_RANGE = gettext_noop("an index target must be from 0 to 1000, got %(target)s")


class InvalidTarget(ValueError):
    """A target that is neither a tier key of the edition nor an index in 0..1000.

    ``template % params`` is the English message; pages translate ``template`` (marked for the
    catalogue) and fill in the same params, as for answers (assessments/core/answers.py).
    """

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params)


@dataclass(frozen=True, slots=True)
class Target:
    """The index to reach; ``tier`` when the target was asked for as a tier."""

    index: float
    tier: TierSpec | None = None

    @property
    def key(self) -> str:
        """The tier key, or the index written as a number (what the API echoes back)."""
        return self.tier.key if self.tier else f"{self.index:g}"


@dataclass(frozen=True, slots=True)
class PlannedAction:
    """One practice to raise, with the numbers and evidence that put it in the plan."""

    practice_key: str
    pillar_key: str
    title: str
    text: str
    from_adoption: float
    to_adoption: float
    effort: int
    gain: float  # index points this action adds, whatever else the plan raises
    share: float | None
    basis: Basis
    evidence: tuple[CitationSpec, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    target: Target
    reachable: bool
    current_index: float | None
    projected_index: float | None
    projected_tier: TierSpec | None
    total_effort: int
    actions: tuple[PlannedAction, ...]

    def explain(self) -> dict[str, Any]:
        """A JSON-serialisable account of the plan (the API's shape, before translation)."""
        return {
            "target": self.target.key,
            "target_index": self.target.index,
            "reachable": self.reachable,
            "current_index": self.current_index,
            "projected_index": self.projected_index,
            "projected_tier": self.projected_tier.key if self.projected_tier else None,
            "total_effort": self.total_effort,
            "actions": [_explain_action(action) for action in self.actions],
        }


def resolve_target(edition: EditionSpec, target: str | float) -> Target:
    """A tier key of the edition, or an index (a number or numeric string) in 0..1000."""
    if isinstance(target, str):
        for tier in edition.tiers:
            if tier.key == target:
                return Target(float(tier.min_index), tier)
        try:
            target = float(target.strip())
        except ValueError:
            keys = ", ".join(tier.key for tier in edition.tiers)
            raise InvalidTarget(NOT_A_TARGET, target=target, tiers=keys) from None
    if isinstance(target, bool) or not (MIN_TARGET_INDEX <= target <= MAX_TARGET_INDEX):
        raise InvalidTarget(OUT_OF_RANGE, target=target)
    return Target(float(target))


def higher_tiers(edition: EditionSpec, index: float | None) -> tuple[TierSpec, ...]:
    """The tiers above ``index``, lowest first: what a brand may aim for next."""
    above = [tier for tier in edition.tiers if index is None or tier.min_index > index]
    return tuple(sorted(above, key=lambda tier: tier.min_index))


def default_target(edition: EditionSpec, index: float | None) -> Target | None:
    """The next tier up; None when the brand is in the top tier (or the edition has none)."""
    above = higher_tiers(edition, index)
    return Target(float(above[0].min_index), above[0]) if above else None


def plan(scorecard: Scorecard, edition: EditionSpec, target: Target) -> Plan:
    """The least-effort set of practices to raise that reaches ``target`` (module docstring)."""
    current = scorecard.index
    if current is None:  # no benchmark to compare with: raising answers cannot create one
        return Plan(target, False, None, None, None, 0, ())
    if current >= target.index:
        return Plan(target, True, current, current, scorecard.tier, 0, ())
    answers = _answers_of(scorecard)
    raises = _raises(scorecard, edition)
    everything = score(edition, scorecard.category, _raised(answers, raises, raises))
    candidates = _candidates(scorecard, everything, edition)
    if everything.index is None or everything.index < target.index:
        # The closest plan raises only what gains; it is scored again so that its projected
        # index is exactly its own raised answers' score.
        card = score(edition, scorecard.category, _raised(answers, raises, _keys(candidates)))
        return _plan_of(target, False, scorecard, candidates, card)
    chosen, card = _cheapest(scorecard, edition, target, answers, raises, candidates)
    return _plan_of(target, True, scorecard, chosen, card)


# --- the search -------------------------------------------------------------------------------


def _cheapest(
    scorecard: Scorecard,
    edition: EditionSpec,
    target: Target,
    answers: dict[str, object],
    raises: Mapping[str, dict[str, object]],
    candidates: list[PlannedAction],
) -> tuple[list[PlannedAction], Scorecard]:
    """Least effort first, then most gain; each candidate plan checked with the scorer."""
    need = target.index - (scorecard.index or 0.0)

    def scored(actions: list[PlannedAction]) -> Scorecard:
        return score(edition, scorecard.category, _raised(answers, raises, _keys(actions)))

    for gain, chosen in _best_by_effort(candidates):
        if gain < need - TOLERANCE:
            continue
        card = scored(chosen)
        if card.index is not None and card.index >= target.index:
            return _irreducible(chosen, need, target, scored), card
    # Unreachable by the loop only through float noise: full adoption reaches the target.
    return candidates, scored(candidates)


def _best_by_effort(candidates: list[PlannedAction]) -> Iterator[tuple[float, list[PlannedAction]]]:
    """For each total effort (ascending), the most index points a set of exactly that effort adds.

    0/1 knapsack: best[e] = (gain, bitmask of candidates); a later candidate replaces a set
    only with a strictly higher gain, so ties keep the earlier (edition-order) set.
    """
    total = sum(action.effort for action in candidates)
    best: list[tuple[float, int] | None] = [None] * (total + 1)
    best[0] = (0.0, 0)
    for bit, action in enumerate(candidates):
        for effort in range(total - action.effort, -1, -1):
            entry = best[effort]
            if entry is None:
                continue
            gain, mask = entry[0] + action.gain, entry[1] | (1 << bit)
            slot = best[effort + action.effort]
            if slot is None or gain > slot[0]:
                best[effort + action.effort] = (gain, mask)
    for entry in best:
        if entry is not None:
            yield entry[0], [a for bit, a in enumerate(candidates) if entry[1] >> bit & 1]


def _irreducible(
    chosen: list[PlannedAction],
    need: float,
    target: Target,
    scored: Callable[[list[PlannedAction]], Scorecard],
) -> list[PlannedAction]:
    """Drop any action the target does not need (least effort makes this rare: float noise)."""
    kept = list(chosen)
    for action in sorted(chosen, key=lambda a: a.gain):
        rest = [a for a in kept if a is not action]
        if sum(a.gain for a in rest) < need - TOLERANCE:
            continue  # clearly below the target without it
        card = scored(rest)
        if card.index is not None and card.index >= target.index:
            kept = rest
    return kept


# --- raising answers --------------------------------------------------------------------------


def best_answer(question: QuestionSpec) -> tuple[object, float]:
    """The answer with the highest level this question offers, and that level."""
    if question.type is QuestionType.PERCENT:
        return PERCENT_SCALE, MAX_LEVEL
    if question.type is QuestionType.MULTIPLE:
        chosen = tuple(sorted(c.value for c in question.choices if c.level > 0))
        return chosen, min(MAX_LEVEL, sum((c.level for c in question.choices if c.level > 0), 0.0))
    top = max(question.choices, key=lambda choice: choice.level)
    return top.value, top.level


def _answers_of(scorecard: Scorecard) -> dict[str, object]:
    """The answers the scorecard was scored from (those the edition accepted)."""
    return {
        answer.key: answer.value
        for pillar in scorecard.pillars
        for practice in pillar.practices
        for answer in practice.answers
    }


def _raises(scorecard: Scorecard, edition: EditionSpec) -> dict[str, dict[str, object]]:
    """Practice key -> the answers that raise it: its answered questions below their best."""
    raises: dict[str, dict[str, object]] = {}
    for pillar in scorecard.pillars:
        for practice in pillar.practices:
            changed = {}
            for answer in practice.answers:
                value, level = best_answer(edition.question(answer.key))
                if answer.level is not None and answer.level < level:
                    changed[answer.key] = value
            if changed:
                raises[practice.key] = changed
    return raises


def _raised(
    answers: dict[str, object], raises: Mapping[str, dict[str, object]], keys: Iterable[str]
) -> dict[str, object]:
    raised = dict(answers)
    for key in keys:
        raised.update(raises.get(key, {}))
    return raised


def _keys(actions: list[PlannedAction]) -> list[str]:
    return [action.practice_key for action in actions]


# --- candidates and their gains ---------------------------------------------------------------


def _candidates(
    scorecard: Scorecard, everything: Scorecard, edition: EditionSpec
) -> list[PlannedAction]:
    """Every applicable practice whose raise adds index points, in edition order."""
    found = []
    for pillar in scorecard.pillars:
        for practice in pillar.practices:
            if not practice.counted:
                continue
            raised = everything.practice(practice.key).adoption
            assert raised is not None and practice.adoption is not None  # counted stays counted
            gain = (raised - practice.adoption) * index_points(scorecard, pillar, practice)
            if gain > 0:
                found.append(_action(practice, pillar, raised, gain, edition))
    return found


def index_points(scorecard: Scorecard, pillar: PillarScore, practice: PracticeScore) -> float:
    """d(index) / d(adoption) of one counted practice: the chain of the scorer's weighted means.

    0 for a practice that does not count (not applicable, no benchmark share, no weight).
    """
    pillar_weight, overall_weight = pillar.counted_weight, scorecard.scored_weight
    benchmark = scorecard.benchmark_overall
    if not practice.counted or pillar.score is None or not benchmark:
        return 0.0
    if not (pillar_weight > 0 and overall_weight > 0):
        return 0.0
    share_of_pillar = practice.weight / pillar_weight
    share_of_overall = pillar.weight / overall_weight
    points = PAR_INDEX * SCORE_SCALE * share_of_pillar * share_of_overall / benchmark
    return points if math.isfinite(points) else 0.0


def _action(
    practice: PracticeScore, pillar: PillarScore, raised: float, gain: float, edition: EditionSpec
) -> PlannedAction:
    spec = edition.practice(practice.key)
    assert practice.adoption is not None
    return PlannedAction(
        practice_key=practice.key,
        pillar_key=pillar.key,
        title=practice.title,
        text=spec.recommendation,
        from_adoption=practice.adoption,
        to_adoption=raised,
        effort=spec.effort,
        gain=gain,
        share=practice.prevalence.share,
        basis=practice.prevalence.basis,
        evidence=practice.prevalence.citations,
    )


def _plan_of(
    target: Target,
    reachable: bool,
    scorecard: Scorecard,
    actions: list[PlannedAction],
    card: Scorecard,
) -> Plan:
    ordered = sorted(actions, key=lambda a: (-a.gain, a.practice_key))
    return Plan(
        target=target,
        reachable=reachable,
        current_index=scorecard.index,
        projected_index=card.index,
        projected_tier=card.tier,
        total_effort=sum(action.effort for action in ordered),
        actions=tuple(ordered),
    )


def _explain_action(action: PlannedAction) -> dict[str, Any]:
    return {
        "practice_key": action.practice_key,
        "pillar_key": action.pillar_key,
        "title": action.title,
        "text": action.text,
        "from_adoption": action.from_adoption,
        "to_adoption": action.to_adoption,
        "effort": action.effort,
        "gain": action.gain,
        "share": action.share,
        "basis": str(action.basis),
        "evidence": [citation_json(c) for c in action.evidence],
    }
