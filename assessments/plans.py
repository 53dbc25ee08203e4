"""The plan to reach a target tier: one service for the report page, its PDF and the API.

The pure planner (assessments/core/planner.py) does the maths on the scorecard derived again from
the saved answers and the result's edition (the same numbers as the stored result); this module
reads those from the database, resolves the target and dresses the plan for display: texts in
both languages, the tiers a brand may aim for. One query (the answers) once the edition's spec
is cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext

# The stored citation's shape and its texts in both languages, exactly as the report's
# recommendations show them, so a change to how evidence is shown reaches the plan too.
from assessments.core import evidence as ev
from assessments.core.evidence import Evidence
from assessments.core.planner import (
    InvalidTarget,
    Plan,
    PlannedAction,
    Target,
    default_target,
    higher_tiers,
    plan,
    resolve_target,
)
from assessments.core.prevalence import Basis
from assessments.core.scoring import score
from assessments.core.texts import EditionTexts, Text
from assessments.edition_specs import edition_spec_of
from assessments.models import Assessment, Practice
from assessments.services import assessment_answers

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class PlanTargetError(ValueError):
    """A target the plan cannot aim at: unknown tier, index out of range, or nothing scored."""


@dataclass(frozen=True)
class TierChoice:
    key: str
    name: Text
    min_index: float


@dataclass(frozen=True)
class PlanActionRow:
    practice_key: str
    pillar_key: str
    title: Text
    text: Text
    from_adoption: float
    to_adoption: float
    gain: float
    effort: int
    effort_label: StrPromise  # translated when shown
    share: float | None
    basis: str
    is_fallback: bool
    evidence: list[Evidence]


@dataclass(frozen=True)
class PlanSection:
    """A plan as pages and the API show it."""

    target: str  # the tier key, or the index as written
    target_index: float
    target_name: Text | None  # None when the target is an index, not a tier
    reachable: bool
    current_index: float | None
    projected_index: float | None
    projected_tier_name: Text | None
    total_effort: int
    actions: list[PlanActionRow]
    choices: list[TierChoice]  # the tiers above the current index, lowest first

    @property
    def at_top(self) -> bool:
        """True when no tier is above the brand's: nothing left to aim for."""
        return not self.choices


def assessment_plan(*, assessment: Assessment, target: str | None = None) -> PlanSection:
    """The least-effort plan from this scored assessment to ``target`` (a tier key or index).

    No target: the next tier up (the top tier itself for a brand already there). Raises
    PlanTargetError for an unknown tier, an index outside 0..1000, or an assessment without a
    result (a draft has nothing to plan from). Load the assessment with its category and
    result__edition (Assessment.objects.with_report() does).
    """
    result = assessment.result if assessment.result_id else None
    if result is None:
        raise PlanTargetError(
            gettext("A plan starts from a scored assessment; this one is %(status)s.")
            % {"status": assessment.get_status_display().lower()}
        )
    spec = edition_spec_of(result.edition)
    card = score(spec, assessment.category.slug, assessment_answers(assessment))
    try:
        aim = _target(spec, card.index, target)
    except InvalidTarget as exc:
        raise PlanTargetError(gettext(exc.template) % exc.params) from exc
    found = plan(card, spec, aim)
    return _section(found, spec.texts, higher_tiers(spec, card.index))


def _target(spec, index: float | None, raw: str | None) -> Target:
    if raw is not None and raw.strip():
        return resolve_target(spec, raw.strip())
    aim = default_target(spec, index)
    if aim is not None:
        return aim
    top = max(spec.tiers, key=lambda tier: tier.min_index, default=None)
    return Target(float(top.min_index), top) if top else Target(index or 0.0)


def _section(found: Plan, texts: EditionTexts, above) -> PlanSection:
    tier = found.target.tier
    projected = found.projected_tier
    return PlanSection(
        target=found.target.key,
        target_index=found.target.index,
        target_name=texts.tier_name(tier.key, tier.name) if tier else None,
        reachable=found.reachable,
        current_index=found.current_index,
        projected_index=found.projected_index,
        projected_tier_name=texts.tier_name(projected.key, projected.name) if projected else None,
        total_effort=found.total_effort,
        actions=[_action_row(action, texts) for action in found.actions],
        choices=[TierChoice(t.key, texts.tier_name(t.key, t.name), t.min_index) for t in above],
    )


def _action_row(action: PlannedAction, texts: EditionTexts) -> PlanActionRow:
    return PlanActionRow(
        practice_key=action.practice_key,
        pillar_key=action.pillar_key,
        title=texts.practice_title(action.practice_key, action.title),
        text=texts.recommendation(action.practice_key, action.text),
        from_adoption=action.from_adoption,
        to_adoption=action.to_adoption,
        gain=action.gain,
        effort=action.effort,
        effort_label=Practice.Effort(action.effort).label,
        share=action.share,
        basis=str(action.basis),
        is_fallback=Basis(action.basis).is_fallback,
        evidence=list(ev.once_each(ev.evidence_of(c, texts) for c in action.evidence)),
    )
