"""Tracked actions: create, change and delete them, with their rules in one place.

The web page and the API both call these. Rules: the practice is one of the current edition's;
the owner can see the brand (the one access rule, Brand.objects.visible_to); the status is one of
the four; a change sent with the version it was based on is refused (StaleAction) when someone
saved in between. Every refused change names its field and saves nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from assessments.edition_specs import edition_spec
from assessments.models import Brand, Edition, TrackedAction
from assessments.signals import tracked_action_changed

Status = TrackedAction.Status
# The fields a person may change; everything else (brand, version, dates) the service owns.
EDITABLE = ("practice_key", "title", "owner", "status", "due_date", "notes")


class ActionErrors(ValueError):
    """Bad input: ``errors`` maps each field to its message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class StaleAction(Exception):
    """Somebody saved the action after this change was based on it."""

    def __init__(self, current_version: int) -> None:
        self.current_version = current_version
        super().__init__(
            gettext(
                "Someone saved this action after you opened it; nothing was saved. "
                "Read it again and make your change on the latest version."
            )
        )


class NotAllowed(PermissionError):
    """Reading a brand is not editing its actions: admins who do not serve it only read."""


def may_edit(user, brand: Brand) -> bool:
    """Managers and consultants of the brand edit its actions; admins and others do not."""
    return user.is_authenticated and brand.memberships.filter(user=user).exists()


def action_create(*, brand: Brand, user, fields: Mapping[str, object]) -> TrackedAction:
    """A new action of ``brand``; the title defaults to the practice's title."""
    if not may_edit(user, brand):
        raise NotAllowed(gettext("Only the brand's managers and consultants add actions."))
    values = {"status": Status.TODO, **_valid(brand, fields, creating=True)}
    if not values.get("title"):
        values["title"] = _practice_titles()[str(values["practice_key"])]
    action = TrackedAction(brand=brand, created_by=user, **values)
    if action.status == Status.DONE:
        action.done_at = timezone.now()
    action._history_user = user
    with transaction.atomic():
        action.save()
        _announce(action)
    return action


def action_update(
    *, action: TrackedAction, user, fields: Mapping[str, object], expected_version: int | None
) -> TrackedAction:
    """Change some fields; with ``expected_version``, refuse if someone saved since."""
    if not may_edit(user, action.brand):
        raise NotAllowed(gettext("Only the brand's managers and consultants change actions."))
    values = _valid(action.brand, fields, creating=False)
    with transaction.atomic():
        # The row lock makes "read the version, write the next one" one step; save() (not a
        # bare UPDATE) so that the history records who changed what.
        locked = TrackedAction.objects.select_for_update().get(pk=action.pk)
        if expected_version is not None and locked.version != expected_version:
            raise StaleAction(locked.version)
        was_done = locked.status == Status.DONE
        for name, value in values.items():
            setattr(locked, name, value)
        if locked.status == Status.DONE and not was_done:
            locked.done_at = timezone.now()
        elif locked.status != Status.DONE:
            locked.done_at = None
        locked.version += 1
        locked._history_user = user
        locked.save()
        _announce(locked)
    return locked


def action_delete(*, action: TrackedAction, user) -> None:
    if not may_edit(user, action.brand):
        raise NotAllowed(gettext("Only the brand's managers and consultants delete actions."))
    action._history_user = user
    with transaction.atomic():
        action.delete()


def action_history(action: TrackedAction) -> list[dict[str, object]]:
    """Every change, oldest first: when, by whom (username), and each field's from and to.

    Two queries whatever its length: the history with its users, and the owners named in it.
    """
    records = list(
        _history().filter(id=action.pk).select_related("history_user").order_by("history_id")
    )
    owner_ids = {r.owner_id for r in records if r.owner_id is not None}
    names = dict(
        get_user_model().objects.filter(pk__in=owner_ids).values_list("pk", "username")
        if owner_ids
        else []
    )
    changes = []
    for before, record in zip([None, *records], records, strict=False):
        changes.append(
            {
                "change_id": record.history_id,
                "at": record.history_date,
                "by": record.history_user.username if record.history_user else None,
                "type": "created" if before is None else "changed",
                "changes": _diff(before, record, names),
            }
        )
    return changes


def _diff(before, record, names: Mapping[int, str]) -> dict[str, dict[str, object]]:
    shown = ("practice_key", "title", "owner", "status", "due_date", "notes")
    out = {}
    for field in shown:
        attname = "owner_id" if field == "owner" else field
        old = getattr(before, attname) if before is not None else None
        new = getattr(record, attname)
        if field == "owner":
            old, new = names.get(old or 0), names.get(new or 0)
        if old != new:
            out[field] = {"from": _jsonable(old), "to": _jsonable(new)}
    return out


def _jsonable(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime.date) else value


def _valid(brand: Brand, fields: Mapping[str, object], *, creating: bool) -> dict[str, object]:
    errors: dict[str, str] = {}
    values = {name: fields[name] for name in EDITABLE if name in fields}
    if creating and not values.get("practice_key"):
        errors["practice_key"] = gettext("Choose the practice this action is about.")
    elif "practice_key" in values and values["practice_key"] not in _practice_titles():
        errors["practice_key"] = gettext("No such practice in the current questionnaire.")
    if "status" in values and values["status"] not in Status.values:
        errors["status"] = gettext("Choose one of: %(statuses)s.") % {
            "statuses": ", ".join(Status.values)
        }
    owner = values.get("owner")
    if owner is not None and not Brand.objects.visible_to(owner).filter(pk=brand.pk).exists():
        errors["owner"] = gettext("The owner must be someone who can see this brand.")
    due = values.get("due_date")
    if due is not None and not isinstance(due, datetime.date):
        errors["due_date"] = gettext("Enter a date (YYYY-MM-DD).")
    if "title" in values and len(str(values["title"] or "")) > 200:
        errors["title"] = gettext("At most 200 characters.")
    if errors:
        raise ActionErrors(errors)
    return values


def _practice_titles() -> dict[str, str]:
    spec = edition_spec(Edition.objects.current().pk)
    return {practice.key: practice.title for practice in spec.practices}


def _history() -> models.Manager[Any]:
    # simple_history replaces the class attribute with a manager when the model class is built;
    # its source (read by mypy) declares the descriptor that does it, not the manager.
    return TrackedAction.history  # type: ignore[return-value]


def _announce(action: TrackedAction) -> None:
    # Inside the change's transaction, with the history row that records it (the event's
    # identity): its webhook deliveries and their outbox rows commit with the change, or not at
    # all, so no crash between the two loses the event.
    change_id = _history().filter(id=action.pk).latest("history_id").history_id
    tracked_action_changed.send(TrackedAction, action_id=action.pk, change_id=change_id)
