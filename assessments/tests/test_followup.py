"""How a practice moved between two scorecards, and what the rise brought: pure maths."""

from __future__ import annotations

import pytest

from assessments.core.followup import practice_moves
from assessments.core.scoring import score
from assessments.tests.edition_builders import EXAMPLE_ANSWERS, example_edition

EXAMPLE = example_edition()


def test_a_raised_practice_rose_by_the_index_points_the_scorer_gives() -> None:
    before = score(EXAMPLE, "beauty", EXAMPLE_ANSWERS)
    after = score(EXAMPLE, "beauty", {**EXAMPLE_ANSWERS, "msg_account": "active"})
    moves = practice_moves(before, after, {"messaging", "mobile_pay"})
    assert (moves["messaging"].before, moves["messaging"].after) == (0.75, 1.0)
    assert moves["messaging"].rose
    assert moves["messaging"].points == pytest.approx(after.index - before.index)
    assert not moves["mobile_pay"].rose and moves["mobile_pay"].points == 0.0


def test_a_practice_that_fell_brought_no_points() -> None:
    before = score(EXAMPLE, "beauty", EXAMPLE_ANSWERS)
    after = score(EXAMPLE, "beauty", {**EXAMPLE_ANSWERS, "msg_account": "no"})
    move = practice_moves(before, after, {"messaging"})["messaging"]
    assert not move.rose and move.points == 0.0


def test_without_an_earlier_assessment_the_whole_adoption_is_the_rise() -> None:
    after = score(EXAMPLE, "beauty", EXAMPLE_ANSWERS)
    move = practice_moves(None, after, {"messaging", "not-a-practice"})
    assert set(move) == {"messaging"}
    assert move["messaging"].before is None and move["messaging"].rose
