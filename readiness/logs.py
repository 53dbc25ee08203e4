"""One request id on every log line: django-guid's (X-Request-Id), in plain and JSON logs alike.

django-guid reads or makes the id and answers it in X-Request-Id; plain lines carry it through
its logging filter. JSON lines are written by structlog (LOG_FORMAT=json), whose request
middleware (django-structlog) would otherwise bind an id of its own: it is told to bind this one
(connected in ApiConfig.ready()). Imported by the settings, so nothing here imports Django code
at module level.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any


def add_request_id(
    logger: object, method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: the current request's id, on lines logged outside structlog too."""
    from django_guid import get_guid

    request_id = get_guid()
    if request_id is not None:
        event_dict.setdefault("request_id", request_id)
    return event_dict


def bind_the_request_id(request: object, logger: Any, **kwargs: object) -> None:
    """django-structlog's bind_extra_request_metadata receiver: its lines take our id."""
    import structlog
    from django_guid import get_guid

    structlog.contextvars.bind_contextvars(request_id=get_guid())
