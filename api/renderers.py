"""The API's JSON renderer, and those of the download operations (and of the deprecated
?format=csv / ?format=pdf), which the views hand finished text or bytes.
"""

from __future__ import annotations

import orjson
from rest_framework import renderers
from rest_framework.renderers import BaseRenderer
from rest_framework.utils.encoders import JSONEncoder

# DRF escapes these two (valid JSON, but line breaks in JavaScript source); orjson does not.
_LINE_SEPARATORS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))
# Dates and times go to DRF's encoder, so they are written as DRF writes them (ISO 8601, "Z").
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


class JSONRenderer(renderers.JSONRenderer):
    """DRF's compact JSON, written by orjson: a list page of 50 took DRF's json.dumps about
    0.5 ms (bench/notes/reads.md). Values orjson has no rule for are DRF's encoder's to write
    (a Decimal, a lazy translation, a datetime); what orjson refuses (an integer over 64 bits)
    and indented output (the browsable API, `Accept: application/json; indent=4`) are DRF's.
    The differences: a float below 0.0001 may be written in the other notation (0.00001 for
    1e-05), the same number to every JSON reader, and a NaN is written null where DRF's strict
    JSON fails the request.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            body = orjson.dumps(data, default=_ENCODER.default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        for raw, escaped in _LINE_SEPARATORS:
            if raw in body:
                body = body.replace(raw, escaped)
        return body


_ENCODER = JSONEncoder()

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OCTET_STREAM = "application/octet-stream"


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return data.encode(self.charset) if isinstance(data, str) else bytes(data)


class BinaryRenderer(BaseRenderer):
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return bytes(data)


class PDFRenderer(BinaryRenderer):
    media_type = PDF
    format = "pdf"


class XLSXRenderer(BinaryRenderer):
    media_type = XLSX
    format = "xlsx"


class OctetStreamRenderer(BinaryRenderer):
    """`Accept: application/octet-stream` on a PDF or XLSX download: the same bytes.

    Generic HTTP clients and code generators ask for a file that way; the schema lists it beside
    the file's own media type."""

    media_type = OCTET_STREAM
    format = "bin"


# Renderers that answer a file: an error is still answered as JSON (JSONErrorsMixin).
FILE_FORMATS = frozenset({"csv", "pdf", "xlsx", "bin"})
