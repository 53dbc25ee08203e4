"""The API's JSON renderer (api/renderers.py): orjson's speed, DRF's JSON."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st
from rest_framework import renderers

from api.renderers import JSONRenderer

OURS, DRFS = JSONRenderer(), renderers.JSONRenderer()

PAYLOAD = {
    "tier": {"key": "developing", "name": "发展中", "summary": "Line\u2028break\u2029here"},
    "readiness_index": 41.666666666666664,
    "index_change": -2.5,
    "percentile": 0.0,
    "previous": None,
    "recommendations": [{"rank": 1, "share": 0.73, "done": False, "ids": (1, 2)}],
    "submitted_at": dt.datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=dt.UTC),
    "day": dt.date(2026, 12, 1),
    "weight": Decimal("1.25"),
    "label": gettext_lazy("Not found."),
    "request": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "counts": {1: "int keys, as json writes them"},
    "huge": 2**70,  # past orjson's 64 bits: DRF writes it
}


def test_the_api_answers_drfs_bytes():
    assert OURS.render(PAYLOAD) == DRFS.render(PAYLOAD)
    assert b"\\u2028" in OURS.render(PAYLOAD)  # escaped, as DRF does, for JavaScript readers


def test_indented_output_is_drfs():
    media = "application/json; indent=4"
    assert OURS.render(PAYLOAD, media) == DRFS.render(PAYLOAD, media)
    assert OURS.render(PAYLOAD, renderer_context={"indent": 2}) == DRFS.render(
        PAYLOAD, renderer_context={"indent": 2}
    )


def test_no_data_is_an_empty_body():
    assert OURS.render(None) == b""


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30,
)


@given(st.dictionaries(st.text(), json_values) | st.lists(json_values))
def test_any_json_answer_reads_back_the_same_as_drfs(value):
    assert json.loads(OURS.render(value)) == json.loads(DRFS.render(value))
