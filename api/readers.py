"""The reader a compiled query is built for (readiness/compiled.py): a role, and its slots.

The access rules (`visible_to`) read only whether a user is staff and, for a member, their id.
A query compiled once per role is built for a stand-in user with just that, and binds the
member's id as a value; an admin's query binds no one.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

MEMBER, ADMIN = "member", "admin"
# The values each role's query binds.
SLOTS = {MEMBER: ("user_id",), ADMIN: ()}


def role_of(user) -> tuple[str, dict[str, Any]]:
    """(role, the values its query binds) for a signed-in user."""
    return (ADMIN, {}) if user.is_staff else (MEMBER, {"user_id": user.pk})


def stand_in(user_id: int | None = None):
    """The user the access rules see: a member with this id, or (no id) an admin."""
    if user_id is None:
        return get_user_model()(is_staff=True)
    return get_user_model()(pk=user_id, is_staff=False)
