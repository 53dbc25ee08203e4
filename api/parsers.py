"""JSON bodies with limits that hold whatever way the body arrives: size, nesting, characters.

The checks are written here because the parsers the project could use do not make them:
Python's json module (and DRF's parser over it) recurses once per level of nesting and fails
with a RecursionError near 1,000 levels, and it accepts ``"\\ud800"``, a lone UTF-16 surrogate
that no UTF-8 encoder can write back, so the error message repeating it failed as a 500; it
also accepts ``"\u0000"``, a NUL that PostgreSQL cannot hold in text, which failed as a 500 in
a field whose own check queries the database before DRF's null-character validator runs.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from django.conf import settings
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

from api.exceptions import BodyTooLarge

# Strings first (so brackets inside them do not count), then the brackets themselves.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
# A \u escape into the surrogate range, or of NUL: the only ways either can reach the parsed data
# (raw bytes are decoded as UTF-8, which refuses encoded surrogates; JSON refuses a raw NUL).
_UNSTORABLE_ESCAPE = re.compile(rb"\\u(?:[dD][89a-fA-F]|0000)")
NOT_A_CHARACTER = "Contains a lone UTF-16 surrogate (\\ud800-\\udfff), which is not a character."
NUL = "Contains a NUL character (\\u0000), which text cannot hold."


class LimitedJSONParser(JSONParser):
    """Django checks DATA_UPLOAD_MAX_MEMORY_SIZE against Content-Length; this also bounds a body
    sent without one (chunked), which DRF may read from the stream directly. Nesting deeper than
    API_MAX_JSON_DEPTH is a 400 before the JSON parser recurses; a lone surrogate or a NUL is a
    400 naming the field that holds it."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        # One byte past the limit tells "too large" apart from "exactly the limit".
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise BodyTooLarge()
        refuse_deep_nesting(body, settings.API_MAX_JSON_DEPTH)
        data = super().parse(io.BytesIO(body), media_type, parser_context)
        if _UNSTORABLE_ESCAPE.search(body):
            refuse_unstorable_characters(data)
        return data


def refuse_deep_nesting(body: bytes, limit: int) -> None:
    """ParseError if arrays and objects nest deeper than the limit (malformed JSON is left to
    the parser, which names its error)."""
    # Fast path: fewer opening brackets than the limit cannot nest deeper than it.
    if body.count(b"[") + body.count(b"{") <= limit:
        return
    depth = 0
    for match in _TOKENS.finditer(body):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                raise ParseError(
                    f"JSON parse error - arrays and objects nest deeper than {limit} levels."
                )
        elif token in (b"]", b"}"):
            depth -= 1


def refuse_unstorable_characters(data: object) -> None:
    """ValidationError naming the first field (a dotted path) whose key or value holds a lone
    surrogate or a NUL. The data is at most API_MAX_JSON_DEPTH deep, so recursing is safe."""
    found = _unstorable_path(data, ())
    if found is None:
        return
    path, text = found
    field = ".".join(_printable(part) for part in path) or "non_field_errors"
    raise ValidationError({field: [NUL if "\x00" in text else NOT_A_CHARACTER]})


def _unstorable_path(value: object, path: tuple[str, ...]) -> tuple[tuple[str, ...], str] | None:
    if isinstance(value, str):
        return (path, value) if _unstorable(value) else None
    items: Iterable[tuple[str, object]]
    if isinstance(value, list):
        items = ((str(i), item) for i, item in enumerate(value))
    elif isinstance(value, dict):
        items = value.items()
    else:
        return None
    for key, item in items:
        if _unstorable(key):
            return (*path, key), key
        found = _unstorable_path(item, (*path, key))
        if found is not None:
            return found
    return None


def _unstorable(text: str) -> bool:
    return "\x00" in text or any("\ud800" <= char <= "\udfff" for char in text)


def _printable(text: str) -> str:
    # The field's name as the client wrote it, with a surrogate or NUL as its \u escape.
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\u0000")
