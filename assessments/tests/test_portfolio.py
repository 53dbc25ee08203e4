"""Ranking brands within their category, and the trend sparkline: pure."""

from __future__ import annotations

from assessments.core.portfolio import Standing, rank_within_categories, sparkline_svg


def standing(key: str, category: str, *trend: float) -> Standing:
    return Standing(key, key.title(), category, "on-par" if trend else "", tuple(trend), None)


def test_brands_are_ranked_within_their_category_ties_sharing_a_rank() -> None:
    ranked = rank_within_categories(
        [
            standing("a", "beauty", 80.0),
            standing("b", "beauty", 95.0),
            standing("c", "food", 60.0),
            standing("d", "beauty", 80.0),
            standing("e", "beauty"),
        ]
    )
    assert [(r.standing.brand_key, r.rank, r.of) for r in ranked] == [
        ("b", 1, 3),
        ("a", 2, 3),
        ("d", 2, 3),
        ("e", None, 3),  # never scored: after the ranked ones, unranked
        ("c", 1, 1),
    ]


def test_the_change_is_since_the_previous_assessment() -> None:
    assert standing("a", "beauty", 60.0, 72.5).change == 12.5
    assert standing("a", "beauty", 60.0).change is None
    assert standing("a", "beauty", 60.0, 72.5).index == 72.5


def test_the_sparkline_draws_one_point_per_assessment_latest_marked() -> None:
    svg = sparkline_svg([50.0, 70.0, 60.0], label="Lotus <Skin>")
    assert svg.startswith("<svg") and 'aria-label="Lotus &lt;Skin&gt;"' in svg
    points = svg.split('points="')[1].split('"')[0].split(" ")
    assert len(points) == 3
    assert points[1].endswith(",2.0")  # the highest at the top
    assert sparkline_svg([], label="none") == ""
    assert 'cy="12.0"' in sparkline_svg([70.0], label="one")  # one point: at mid-height
