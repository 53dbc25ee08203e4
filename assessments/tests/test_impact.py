"""The impact preview's maths, on a hand-computed set (no database)."""

from __future__ import annotations

import pytest

from assessments.core.impact import ImpactTally, Mover, Standing, merged, standing_of
from assessments.core.scoring import score
from assessments.tests.edition_builders import EXAMPLE_ANSWERS, example_edition

# (id, brand, before, after)
CASES = [
    (
        1,
        "Alpha",
        Standing(100.0, "On par", {"m": 50.0, "p": 40.0}),
        Standing(120.0, "Advanced", {"m": 60.0, "p": 40.0}),
    ),
    (
        2,
        "Beta",
        Standing(80.0, "Developing", {"m": 30.0, "p": 20.0}),
        Standing(75.0, "Developing", {"m": 25.0, "p": None}),
    ),
    (
        3,
        "Gamma",
        Standing(95.0, "On par", {"m": 70.0}),
        Standing(85.0, "Developing", {"m": 70.0, "new": 10.0}),
    ),
]


def tally_of(cases) -> ImpactTally:
    tally = ImpactTally()
    for case in cases:
        tally.add(*case)
    return tally


def test_the_summary_of_a_known_set_matches_the_hand_computation():
    summary = tally_of(CASES).summary()

    assert summary.assessments == 3
    # Shifts +20, -5, -10.
    assert summary.mean_shift == pytest.approx(5 / 3)
    assert summary.largest == Mover(1, "Alpha", 100.0, 120.0, "On par", "Advanced")
    assert summary.tier_changes == [("On par", "Advanced", 1), ("On par", "Developing", 1)]
    assert (summary.changed, summary.unchanged) == (2, 1)
    assert [m.assessment_id for m in summary.movers] == [1, 3]
    # m: +10, -5, 0; p: only Alpha has a score on both (0); "new" has no before.
    assert summary.pillar_mean_shift == pytest.approx({"m": 5 / 3, "p": 0.0})


def test_chunks_merged_through_json_give_the_same_summary_as_one_pass():
    parts = [tally_of(CASES[:1]), tally_of(CASES[1:])]
    via_json = merged(ImpactTally.from_json(part.to_json()) for part in parts)
    assert via_json.summary() == tally_of(CASES).summary()


def test_an_assessment_without_an_index_counts_but_does_not_shift_the_mean():
    tally = tally_of([*CASES[:1], (4, "Delta", Standing(None, "", {}), Standing(50.0, "Low", {}))])
    summary = tally.summary()
    assert summary.assessments == 2
    assert summary.mean_shift == pytest.approx(20.0)
    assert ("(none)", "Low", 1) in summary.tier_changes


def test_an_empty_preview_has_no_figures():
    summary = ImpactTally().summary()
    assert (summary.assessments, summary.mean_shift, summary.largest) == (0, None, None)


def test_a_scorecard_becomes_a_standing_with_its_pillar_scores():
    card = score(example_edition(), "beauty", EXAMPLE_ANSWERS)
    standing = standing_of(card)
    assert standing.index == card.index
    assert standing.tier_name == card.tier.name
    assert standing.pillars == {p.key: p.score for p in card.pillars}
