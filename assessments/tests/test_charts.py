"""The radar chart is pure: plain values in, SVG text out, no database."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from assessments.core.charts import CENTRE_X, CENTRE_Y, RADIUS, Series, point, radar_svg

SVG = "{http://www.w3.org/2000/svg}"
LABELS = ["Messaging", "Payments", "Social commerce", "Live streaming", "Reviews", "Integration"]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_it_draws_one_polygon_per_series_and_one_label_per_axis():
    svg = radar_svg(LABELS, [Series("Brand", [50] * 6), Series("China", [70] * 6)])
    root = parse(svg)
    series = [p for p in root.iter(f"{SVG}polygon") if "series" in p.get("class", "")]
    assert len(series) == 2
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for label in [*LABELS, "Brand", "China"]:
        assert label in texts


def test_a_full_score_reaches_the_outer_ring_and_the_first_axis_points_up():
    assert point(0, 6, 100) == pytest.approx((CENTRE_X, CENTRE_Y - RADIUS))
    assert point(3, 6, 100) == pytest.approx((CENTRE_X, CENTRE_Y + RADIUS))
    assert point(1, 4, 50) == pytest.approx((CENTRE_X + RADIUS / 2, CENTRE_Y))


def test_values_outside_zero_to_a_hundred_are_clamped_and_missing_ones_sit_at_the_centre():
    assert point(0, 6, 250) == point(0, 6, 100)
    assert point(2, 6, -5) == pytest.approx((CENTRE_X, CENTRE_Y))
    svg = radar_svg(LABELS, [Series("Brand", [None, 10, 20, 30, 40, 50])])
    first_corner = parse(svg).find(f"{SVG}polygon[@class='series series-0']").get("points")
    assert first_corner.split()[0] == f"{CENTRE_X:.1f},{CENTRE_Y:.1f}"


def test_it_escapes_every_text_it_draws():
    svg = radar_svg(
        ["<script>", "A & B", "C"], [Series('"><img src=x>', [1, 2, 3])], title="<b>t</b>"
    )
    assert "<script>" not in svg and "<img" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg and "A &amp; B" in svg
    parse(svg)  # still well-formed XML


def test_it_is_labelled_for_screen_readers():
    root = parse(radar_svg(LABELS, [Series("Brand", [1] * 6)], title="Pillar scores"))
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Pillar scores"
    assert root.find(f"{SVG}title").text == "Pillar scores"


@pytest.mark.parametrize(
    ("labels", "series"),
    [
        (["a", "b"], [Series("x", [1, 2])]),
        (["a", "b", "c"], [Series("x", [1, 2])]),
        (["a", "b", "c"], [Series(str(i), [1, 2, 3]) for i in range(5)]),
    ],
)
def test_it_refuses_shapes_it_cannot_draw(labels, series):
    with pytest.raises(ValueError):
        radar_svg(labels, series)
