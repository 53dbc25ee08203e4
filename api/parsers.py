"""JSON bodies with a size limit that holds whatever way the body arrives."""

from __future__ import annotations

import io

from django.conf import settings
from rest_framework.exceptions import APIException
from rest_framework.parsers import JSONParser


class BodyTooLarge(APIException):
    status_code = 413
    default_code = "body_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is larger than {limit} bytes.")


class LimitedJSONParser(JSONParser):
    """DRF reads the request stream itself, bypassing Django's DATA_UPLOAD_MAX_MEMORY_SIZE check."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        # One byte past the limit tells "too large" apart from "exactly the limit", even when
        # no Content-Length was sent.
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise BodyTooLarge(limit)
        return super().parse(io.BytesIO(body), media_type, parser_context)
