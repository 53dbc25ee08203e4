"""API errors that are not validation errors; api/errors.py answers them in the one format."""

from __future__ import annotations

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException

# One message for an unknown token and for the token of a deactivated user: a caller must not
# learn which accounts exist or were deactivated.
INVALID_TOKEN = "Invalid token."


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"

    def __init__(self) -> None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        super().__init__(f"The request body is larger than {limit} bytes.")


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(self, detail: str, code: str | None = None, **extra: object) -> None:
        super().__init__(detail, code)
        # Fields beside "type" and "errors", e.g. current_version on a stale write.
        self.extra = extra


class LoginFailed(APIException):
    """A wrong username or password: 401, as for bad credentials anywhere in the API.

    Not DRF's AuthenticationFailed, which DRF turns into a 403 on a view without authenticators
    (the token view has none: it is where a client gets its credentials).
    """

    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "login_failed"
    default_detail = "Unable to log in with this username and password."
    auth_header = 'Token realm="api"'


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"


class DependencyUnavailable(APIException):
    """503 with Retry-After: a service the answer needs (database, Redis) is down for now.

    raise DependencyUnavailable("...", wait=30): the handler writes wait into Retry-After.
    """

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "service_unavailable"
    default_detail = "A service this answer needs is unavailable; try again shortly."

    def __init__(self, detail: str | None = None, *, wait: int) -> None:
        super().__init__(detail)
        self.wait = wait
