"""Did the actions marked done move their practice? Two scorecards of a brand, compared. Pure.

The earlier assessment's answers are scored on the same edition as the later one, so a change
of benchmark figures between editions is never taken for the brand's progress. The points an
action brought are the rise of its practice's adoption valued at the later scorecard's weights:
what that rise adds to the index now (assessments.core.planner.index_points).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assessments.core.planner import index_points
from assessments.core.scoring import Scorecard


@dataclass(frozen=True, slots=True)
class PracticeMove:
    practice_key: str
    before: float | None  # adoption in the earlier assessment (None: not applicable, or none)
    after: float | None  # adoption now
    points: float  # index points the rise brought (0 when it did not rise or does not count)

    @property
    def rose(self) -> bool:
        """True when the practice's adoption is higher now than before."""
        if self.after is None:
            return False
        return self.after > (self.before if self.before is not None else 0.0)


def practice_moves(
    before: Scorecard | None, after: Scorecard, practice_keys: Iterable[str]
) -> dict[str, PracticeMove]:
    """For each practice key of ``after``'s edition, how its adoption moved since ``before``.

    Without an earlier scorecard the brand started from nothing: before is None and a practice
    applicable now counts as risen by its whole adoption. Unknown keys are left out.
    """
    found = {}
    for pillar in after.pillars:
        for practice in pillar.practices:
            if practice.key not in practice_keys:
                continue
            earlier = _adoption(before, practice.key)
            rise = (practice.adoption or 0.0) - (earlier or 0.0)
            points = max(rise, 0.0) * index_points(after, pillar, practice)
            found[practice.key] = PracticeMove(practice.key, earlier, practice.adoption, points)
    return found


def _adoption(card: Scorecard | None, key: str) -> float | None:
    if card is None:
        return None
    try:
        return card.practice(key).adoption
    except KeyError:
        return None
