"""The report's check of the brand's tracked actions marked done since its previous assessment.

Per action marked done between the previous scored assessment's submission and this one's: did
its practice's adoption rise, and how many index points did that bring (assessments/core/
followup.py). An action marked done whose practice did not move is flagged. Both assessments'
answers are scored on this report's edition. Three queries with done actions, one without.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessments.core.followup import PracticeMove, practice_moves
from assessments.core.scoring import score
from assessments.edition_specs import edition_spec_of
from assessments.models import Assessment, TrackedAction
from assessments.report_data import Previous
from assessments.services import assessment_answers


@dataclass(frozen=True)
class DoneActionCheck:
    action: TrackedAction
    move: PracticeMove | None  # None: its practice is not in this edition

    @property
    def moved(self) -> bool:
        return self.move is not None and self.move.rose


def done_action_checks(
    *, assessment: Assessment, previous: Previous | None
) -> list[DoneActionCheck]:
    """The brand's actions marked done since ``previous``, each with how its practice moved."""
    result = assessment.result if assessment.result_id else None
    if result is None or assessment.submitted_at is None:
        return []
    done = TrackedAction.objects.filter(
        brand_id=assessment.brand_id,
        status=TrackedAction.Status.DONE,
        done_at__lte=assessment.submitted_at,
    ).select_related("owner")
    if previous is not None and previous.submitted_at is not None:
        done = done.filter(done_at__gt=previous.submitted_at)
    actions = list(done.order_by("done_at", "id"))
    if not actions:
        return []
    spec = edition_spec_of(result.edition)
    category = assessment.category.slug
    after = score(spec, category, assessment_answers(assessment))
    before = None
    if previous is not None:
        before = score(spec, category, assessment_answers(Assessment(pk=previous.assessment_id)))
    moves = practice_moves(before, after, {action.practice_key for action in actions})
    return [DoneActionCheck(action, moves.get(action.practice_key)) for action in actions]
