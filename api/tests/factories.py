"""API rows for tests: tokens made as the API makes them (digest stored, value returned)."""

from __future__ import annotations

from datetime import datetime

from api import tokens


def token_for(user, *, name: str = "test", expires_at: datetime | None = None) -> str:
    """A new API token for user; its value, for an `Authorization: Token <value>` header."""
    return tokens.token_create(user=user, name=name, expires_at=expires_at)[1]
