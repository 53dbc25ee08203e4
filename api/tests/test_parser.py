"""The JSON body parser, fuzzed: whatever the bytes, parsed data a renderer can write, or a 4xx."""

from __future__ import annotations

import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.renderers import JSONRenderer

from api.parsers import BodyTooLarge, LimitedJSONParser

# Text with every code point, lone surrogates (category Cs) included.
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=8)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=30,
)


def depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    return 0


def parse_or_refuse(body: bytes) -> object:
    """The parsed data, or None when the parser refused the body as a client error."""
    try:
        data = LimitedJSONParser().parse(io.BytesIO(body), "application/json", {})
    except (ParseError, BodyTooLarge) as exc:
        JSONRenderer().render({"detail": exc.detail})
        return None
    except ValidationError as exc:
        JSONRenderer().render(exc.detail)  # the error names the field: it must be writable
        return None
    JSONRenderer().render(data)  # no lone surrogate left to fail as the answer is written
    return data


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES, st.integers(0, 120))
def test_any_json_value_parses_within_the_limits_or_is_refused(value, wrapping):
    body = ("[" * wrapping + json.dumps(value) + "]" * wrapping).encode()
    data = parse_or_refuse(body)
    if data is not None:
        assert depth(data) <= 64
        assert data == json.loads(body)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.sampled_from([b"", b"[" * 2000, b'{"a":' * 500]))
def test_arbitrary_bytes_never_raise_anything_but_a_client_error(raw, prefix):
    parse_or_refuse(prefix + raw)
