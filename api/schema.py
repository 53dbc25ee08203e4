"""The schema's error contract: every operation documents the errors it can really answer.

Errors are answered by one exception handler in one format (api/errors.py), whatever the view,
so they are documented once here rather than on each view: a view only adds its own (409).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

from api.serializers import ErrorSerializer, StrictInputSerializer

# Every operation answers in the language asked for (Django's LocaleMiddleware reads it and
# names the language it answered in in Content-Language).
ACCEPT_LANGUAGE = OpenApiParameter(
    "Accept-Language",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    # A plain string, as the server takes any value (an unknown one gives English).
    description="zh-Hans (or zh-CN, zh) for Simplified Chinese text fields: question texts, "
    "choice labels, practice titles, recommendations, tier names and citation statements, "
    "with the English where no Chinese exists yet; anything else gives English. The response's "
    "Content-Language names the language used.",
)
# Headers of the operations that read them (api/views.py).
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (a UUID): a retry with the same key and body replays the "
    "first answer for 24 hours instead of creating again.",
)
IDEMPOTENCY_ERRORS = {
    409: OpenApiResponse(
        ErrorSerializer, description="A request with this Idempotency-Key is still running."
    ),
    422: OpenApiResponse(
        ErrorSerializer, description="This Idempotency-Key was used with another body."
    ),
}
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description='The version you read, quoted ("3"): instead of `version` in the body.',
)
# An example request and answer per operation id, for client developers (and schemathesis).
EXAMPLES = json.loads(Path(__file__).with_name("examples.json").read_text(encoding="utf-8"))

# Response headers on every answer (api/middleware.RateLimitHeadersMiddleware), named as the IETF
# draft names them; left out while Redis is unreachable (the throttles let requests through
# uncounted, so there is no count to give).
RATE_LIMIT_HEADERS = [
    OpenApiParameter(
        name,
        int,
        location=OpenApiParameter.HEADER,
        response=True,
        required=False,
        description=f"{what} Absent while the rate cannot be counted.",
    )
    for name, what in (
        ("RateLimit-Limit", "Requests allowed in the window of the tightest limit that applies."),
        ("RateLimit-Remaining", "Of those, how many are left (0: the next one is a 429)."),
        ("RateLimit-Reset", "Seconds until more are allowed again."),
    )
]
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    int,
    location=OpenApiParameter.HEADER,
    response=[429],
    description="Seconds to wait before sending again (the same as RateLimit-Reset).",
)
WRITES = {"POST", "PUT", "PATCH"}
UNSAFE = {*WRITES, "DELETE"}


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, plus the errors every operation shares, always as JSON,
    the Accept-Language header every operation honours, the rate-limit headers every answer
    carries, integer ids and a tag per resource."""

    def _get_format_parameters(self):
        # Each operation answers one representation (a file is an operation of its own,
        # api/downloads.py): the deprecated ?format= still works but is not offered to clients.
        return []

    def map_renderers(self, attribute: str):
        values = super().map_renderers(attribute)
        # An operation that answers JSON documents JSON only: the files its deprecated ?format=
        # still answers are operations of their own, each with its one media type.
        if attribute == "media_type" and "application/json" in values:
            return ["application/json"]
        return values

    def get_examples(self) -> list[OpenApiExample]:
        # A view's own examples first; else the request and answer of api/examples.json, real
        # ones from the demo data, trimmed to one row per list.
        declared = super().get_examples()
        found = EXAMPLES.get(self.get_operation_id())
        if declared or not found:
            return declared
        examples = []
        if "request" in found:
            examples.append(OpenApiExample("Request", value=found["request"], request_only=True))
        if "response" in found:
            examples.append(OpenApiExample("Answer", value=found["response"], response_only=True))
        return examples

    def get_override_parameters(self):
        return [
            *super().get_override_parameters(),
            ACCEPT_LANGUAGE,
            *RATE_LIMIT_HEADERS,
            RETRY_AFTER,
        ]

    def get_tags(self) -> list[str]:
        # /api/v1/<resource>/...: one tag per resource (assessments, webhooks, auth, ...).
        parts = self.path.strip("/").split("/")
        return [parts[2]] if len(parts) > 2 else super().get_tags()

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            # Ids match [0-9]+ (api/views.py ID_PATTERN): integers, not strings with a pattern.
            if parameter["schema"].get("pattern") == "^[0-9]+$":
                parameter["schema"] = {"type": "integer", "minimum": 0}
        return parameters

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        for parameter in parameters:
            # An empty filter (?tier=) is no filter, as an HTML form sends a field left blank.
            parameter["allowEmptyValue"] = True
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in list(responses.items()):
            # drf-spectacular writes a DELETE's 204 without the headers every answer has.
            if "headers" not in response:
                headers = self._get_response_headers_for_code(code, direction)
                responses[code] = {"headers": headers, **response} if headers else response
        for code, response in self._shared_errors().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses

    def _get_response_for_code(
        self, serializer, status_code, media_types=None, direction="response"
    ):
        # Errors are JSON even when ?format=csv or pdf asked for a file (JSONErrorsMixin).
        if str(status_code) >= "400":
            media_types = ["application/json"]
        return super()._get_response_for_code(serializer, status_code, media_types, direction)

    def _shared_errors(self) -> dict[str, object]:
        errors: dict[str, object] = {}
        # Every operation refuses a query parameter it does not read, naming it.
        errors["400"] = _error(
            "Invalid input, one error per field (an unknown query parameter included); a write "
            "saves nothing."
        )
        auth = self.get_auth()
        if auth and {} not in auth:
            errors["401"] = _error("No credentials, or a token that is not valid.")
            if self.method in UNSAFE:
                errors["403"] = _error("A session-authenticated write without its CSRF token.")
        errors["404"] = _error(
            "Nothing with this id among what you may see, a page past the end, or an unknown "
            "?format."
        )
        if self.method in WRITES:
            errors["411"] = _error("A chunked body: send it with a Content-Length.")
            errors["413"] = _error(
                f"The body is larger than the {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes the "
                "server accepts."
            )
            errors["415"] = _error("The body is not application/json.")
        errors["406"] = _error("The Accept header asks for a media type this operation lacks.")
        errors["429"] = _error(
            "Throttled: too many requests; see the Retry-After and RateLimit-* headers."
        )
        return errors


class StrictInputExtension(OpenApiSerializerExtension):
    """Inputs refuse fields they do not declare (StrictInputSerializer): so says the schema."""

    target_class = StrictInputSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = {**auto_schema._map_basic_serializer(self.target, direction)}
        schema["additionalProperties"] = False
        # A PATCH of nothing is refused: the schema says an empty body is not valid input.
        if getattr(self.target, "refuses_empty", False):
            schema["minProperties"] = 1
        return schema
