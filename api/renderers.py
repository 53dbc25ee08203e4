"""Renderers of the download operations (and of the deprecated ?format=csv / ?format=pdf).

The views hand them finished text or bytes.
"""

from __future__ import annotations

from rest_framework.renderers import BaseRenderer

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
