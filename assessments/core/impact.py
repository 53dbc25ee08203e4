"""How a draft edition would move brands: tier changes, index shifts, pillar shifts. Pure maths.

The preview compares each brand's latest stored result (its "before" standing) with the
scorecard of the same answers on the draft ("after"). Large sets are computed in chunks, so
the figures accumulate in an ImpactTally that chunks fill independently and that merge
exactly: sums and counts, never means of means.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from assessments.core.scoring import Scorecard

# Tier movers listed in a preview; the counts always cover everyone. A preview is read by a
# person: past this many names, the counts say more than the list.
MAX_MOVERS = 100
# The largest index moves (tier change or not) a preview explains with the rows that caused them.
MAX_SHIFTS = 10


@dataclass(frozen=True, slots=True)
class Standing:
    """Where an assessment stands on one edition."""

    index: float | None
    tier_name: str
    pillars: Mapping[str, float | None]


def standing_of(card: Scorecard) -> Standing:
    return Standing(
        index=card.index,
        tier_name=card.tier.name if card.tier else "",
        pillars={pillar.key: pillar.score for pillar in card.pillars},
    )


@dataclass(frozen=True, slots=True)
class Mover:
    assessment_id: int
    brand: str
    before_index: float | None
    after_index: float | None
    before_tier: str
    after_tier: str

    @property
    def shift(self) -> float | None:
        if self.before_index is None or self.after_index is None:
            return None
        return self.after_index - self.before_index

    def sort_key(self) -> tuple[float, int]:
        # Largest move first; the id breaks ties so chunks merge to the same list in any order.
        return (-abs(self.shift or 0.0), self.assessment_id)


@dataclass(frozen=True)
class ImpactSummary:
    assessments: int
    mean_shift: float | None
    largest: Mover | None
    tier_changes: list[tuple[str, str, int]]  # (from, to, count), most frequent first
    changed: int
    unchanged: int
    movers: list[Mover]
    pillar_mean_shift: dict[str, float | None]
    largest_moves: list[Mover] = field(default_factory=list)


@dataclass
class ImpactTally:
    """Running sums of a preview; add() one assessment, merge() another chunk's tally."""

    assessments: int = 0
    shift_sum: float = 0.0
    shift_count: int = 0
    unchanged: int = 0
    tier_moves: dict[str, int] = field(default_factory=dict)
    pillar_sums: dict[str, list[float]] = field(default_factory=dict)
    movers: list[Mover] = field(default_factory=list)
    largest: Mover | None = None
    shifts: list[Mover] = field(default_factory=list)

    def add(self, assessment_id: int, brand: str, before: Standing, after: Standing) -> None:
        mover = Mover(
            assessment_id, brand, before.index, after.index, before.tier_name, after.tier_name
        )
        self.assessments += 1
        if mover.shift is not None:
            self.shift_sum += mover.shift
            self.shift_count += 1
            self._consider_largest(mover)
            if mover.shift:
                self.shifts = _top([*self.shifts, mover], MAX_SHIFTS)
        if before.tier_name == after.tier_name:
            self.unchanged += 1
        else:
            key = _move_key(before.tier_name, after.tier_name)
            self.tier_moves[key] = self.tier_moves.get(key, 0) + 1
            self.movers = _top([*self.movers, mover])
        for key, score in after.pillars.items():
            old = before.pillars.get(key)
            if score is not None and old is not None:
                sums = self.pillar_sums.setdefault(key, [0.0, 0])
                sums[0] += score - old
                sums[1] += 1

    def merge(self, other: ImpactTally) -> None:
        self.assessments += other.assessments
        self.shift_sum += other.shift_sum
        self.shift_count += other.shift_count
        self.unchanged += other.unchanged
        for key, moved in other.tier_moves.items():
            self.tier_moves[key] = self.tier_moves.get(key, 0) + moved
        for key, (total, count) in other.pillar_sums.items():
            sums = self.pillar_sums.setdefault(key, [0.0, 0])
            sums[0] += total
            sums[1] += count
        self.movers = _top([*self.movers, *other.movers])
        self.shifts = _top([*self.shifts, *other.shifts], MAX_SHIFTS)
        if other.largest is not None:
            self._consider_largest(other.largest)

    def _consider_largest(self, mover: Mover) -> None:
        if self.largest is None or mover.sort_key() < self.largest.sort_key():
            self.largest = mover

    def summary(self) -> ImpactSummary:
        changes = [(*_move_parts(key), count) for key, count in self.tier_moves.items()]
        changes.sort(key=lambda change: (-change[2], change[0], change[1]))
        return ImpactSummary(
            assessments=self.assessments,
            mean_shift=self.shift_sum / self.shift_count if self.shift_count else None,
            largest=self.largest,
            tier_changes=changes,
            changed=self.assessments - self.unchanged,
            unchanged=self.unchanged,
            movers=list(self.movers),
            pillar_mean_shift={
                key: total / count if count else None
                for key, (total, count) in self.pillar_sums.items()
            },
            largest_moves=list(self.shifts),
        )

    def to_json(self) -> dict[str, Any]:
        # Each field by name, the movers as dicts of theirs; from_json() reads it back.
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ImpactTally:
        largest = data.get("largest")
        return cls(
            assessments=data["assessments"],
            shift_sum=data["shift_sum"],
            shift_count=data["shift_count"],
            unchanged=data["unchanged"],
            tier_moves=dict(data["tier_moves"]),
            pillar_sums={key: list(sums) for key, sums in data["pillar_sums"].items()},
            movers=[Mover(**m) for m in data["movers"]],
            largest=Mover(**largest) if largest else None,
            # Absent from tallies stored before the preview explained its largest moves.
            shifts=[Mover(**m) for m in data.get("shifts", [])],
        )


def merged(tallies: Iterable[ImpactTally]) -> ImpactTally:
    total = ImpactTally()
    for tally in tallies:
        total.merge(tally)
    return total


def _move_key(before: str, after: str) -> str:
    return f"{before or '(none)'}\u2192{after or '(none)'}"


def _move_parts(key: str) -> tuple[str, str]:
    before, after = key.split("\u2192", 1)
    return before, after


def _top(movers: list[Mover], limit: int = MAX_MOVERS) -> list[Mover]:
    return sorted(movers, key=Mover.sort_key)[:limit]
