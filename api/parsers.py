"""JSON bodies with a size limit that holds whatever way the body arrives."""

from __future__ import annotations

import io

from django.conf import settings
from rest_framework.parsers import JSONParser

from api.exceptions import BodyTooLarge


class LimitedJSONParser(JSONParser):
    """Django checks DATA_UPLOAD_MAX_MEMORY_SIZE against Content-Length; this also bounds a body
    sent without one (chunked), which DRF may read from the stream directly."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        # One byte past the limit tells "too large" apart from "exactly the limit".
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise BodyTooLarge()
        return super().parse(io.BytesIO(body), media_type, parser_context)
