"""One change log per edition: every recorded change to any of its rows, with what changed.

django-simple-history keeps one history per row; an analyst asks "what happened to this draft",
across its pillars, practices, citations, questions, choices, tiers and context figures. Changes
are the differences between a row's consecutive records; saves that changed nothing are left
out, and the rows copied into a new draft are one line, not hundreds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from assessments.models import (
    Choice,
    Citation,
    ContextFigure,
    Edition,
    Pillar,
    Practice,
    Question,
    Tier,
)

COPY_REASON = "Copied from {label}"
TYPES = {"+": "added", "~": "changed", "-": "deleted"}
# kind -> (model, path to the edition's id, path to the practice key, or "" when none)
LOGGED: dict[str, tuple[Any, str, str]] = {
    "pillar": (Pillar, "edition_id", ""),
    "practice": (Practice, "edition_id", "key"),
    "citation": (Citation, "practice__edition_id", "practice__key"),
    "question": (Question, "edition_id", "practice__key"),
    "choice": (Choice, "question__edition_id", "question__practice__key"),
    "tier": (Tier, "edition_id", ""),
    "figure": (ContextFigure, "edition_id", ""),
}
SKIPPED_FIELDS = frozenset({"id"})


@dataclass
class LogEntry:
    when: datetime
    user: str
    kind: str
    row: str
    type: str
    reason: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    admin_url_name: str = ""
    row_id: int | None = None


def change_log(edition: Edition, *, practice: str = "") -> list[LogEntry]:
    """Newest first; with practice, only that practice and its citations and questions."""
    entries: list[LogEntry] = []
    copied = 0
    copy_reason = COPY_REASON.format(label=edition.based_on) if edition.based_on_id else None
    for kind, (model, path, practice_path) in LOGGED.items():
        if practice and not practice_path:
            continue
        records = model.history.filter(**{path: edition.pk})
        if practice:
            records = records.filter(**{practice_path: practice})
        fields = _tracked(model)
        previous: dict[int, object] = {}
        for record in records.select_related("history_user").order_by("id", "history_date"):
            before = previous.get(record.id)
            previous[record.id] = record
            if record.history_type == "+" and record.history_change_reason == copy_reason:
                copied += 1
                continue
            entry = _entry(kind, model, record, before, fields)
            if entry is not None:
                entries.append(entry)
    entries.sort(key=lambda e: e.when, reverse=True)
    if copied:
        entries.append(_copy_entry(edition, copied))
    return entries


def _tracked(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.attname not in SKIPPED_FIELDS]


def _entry(kind: str, model, record, before, fields: list[str]) -> LogEntry | None:
    changes = []
    if record.history_type == "~" and before is not None:
        changes = [
            (name, _shown(getattr(before, name)), _shown(getattr(record, name)))
            for name in fields
            if _shown(getattr(before, name)) != _shown(getattr(record, name))
        ]
        if not changes:
            return None  # a save that changed nothing (the parent of an inline edit)
    return LogEntry(
        when=record.history_date,
        user=str(record.history_user or "-"),
        kind=kind,
        row=_label(record),
        type=TYPES[record.history_type],
        reason=record.history_change_reason or "",
        changes=changes,
        admin_url_name=f"admin:assessments_{model._meta.model_name}_change",
        row_id=record.id if record.history_type != "-" else None,
    )


def _label(record) -> str:
    for name in ("key", "value", "statement"):
        value = getattr(record, name, None)
        if value:
            return str(value)[:60]
    return f"#{record.id}"


def _copy_entry(edition: Edition, count: int) -> LogEntry:
    return LogEntry(
        when=edition.created_at,
        user="-",
        kind="edition",
        row=edition.label,
        type="added",
        reason=COPY_REASON.format(label=edition.based_on),
        changes=[("rows", "", str(count))],
    )


def _shown(value: object) -> str:
    return "" if value is None else str(value)
