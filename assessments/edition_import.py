"""A spreadsheet of weights and figures into a draft: every change listed, all or nothing.

`edition_import` reads the rows of assessments/spreadsheets.py, checks each one as the admin
would (the models' full_clean: ranges, sources, years, choices, URLs) and either refuses the file,
naming each bad row, field and reason, or lists every change. A dry run stops there; a real
import applies the changes in one transaction, each through save() or delete() so that the
history records them with their author. The file is the draft's whole table of citations: a
citation of the draft that no row refers to is removed (and listed so).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from modeltranslation.utils import build_localized_fieldname

from assessments import spreadsheets as sheet
from assessments.models import Category, Citation, Edition, Pillar, Practice


@dataclass(frozen=True)
class Refusal:
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"Row {self.row}, {self.field}: {self.reason}"


@dataclass(frozen=True)
class Change:
    row: int | None  # None for a citation removed because no row refers to it
    what: str
    field: str = ""
    old: str = ""
    new: str = ""

    def __str__(self) -> str:
        where = f"Row {self.row}: " if self.row else ""
        if self.field:
            return f"{where}{self.what}: {self.field} {self.old!r} -> {self.new!r}"
        return f"{where}{self.what}"


@dataclass
class ImportReport:
    """What the file does to the draft; applied is True once a real import wrote it."""

    changes: list[Change] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    applied: bool = False
    # The rows to write, kept for apply(): saved, created and deleted model instances.
    _saves: list[Any] = field(default_factory=list, repr=False)
    _deletes: list[Any] = field(default_factory=list, repr=False)


class ImportRefused(Exception):
    """The draft cannot take an import (it is published, or the file is unreadable)."""


def edition_import(
    *, draft: Edition, rows: list[sheet.SheetRow], user=None, dry_run: bool = False
) -> ImportReport:
    """Check the file against the draft; unless dry_run or refused, apply it all at once."""
    if not draft.is_draft:
        raise ImportRefused(f"Edition {draft.label!r} is published: import into a draft of it.")
    report = _plan(draft, rows)
    if report.refusals or dry_run or not report.changes:
        return report
    with transaction.atomic():
        for row in report._deletes:
            row._history_user = user
            row.delete()
        for row in report._saves:
            row._history_user = user
            row.save()
    report.applied = True
    return report


def _plan(draft: Edition, rows: list[sheet.SheetRow]) -> ImportReport:
    report = ImportReport()
    context = _Draft(draft)
    seen: set[int] = set()
    for row in rows:
        kind = row[sheet.ROW]
        if kind in (sheet.PILLAR, sheet.PRACTICE):
            _plan_weight(report, context, row)
        elif kind == sheet.CITATION:
            citation = _plan_citation(report, context, row)
            if citation is not None and citation.pk is not None:
                if citation.pk in seen:
                    _refuse(report, row, sheet.REF, "Two rows refer to this citation.")
                seen.add(citation.pk)
        else:
            _refuse(report, row, sheet.ROW, f"{kind!r} is not pillar, practice or citation.")
    for key, ref, citation in context.numbered:
        if citation.pk not in seen:
            report.changes.append(Change(None, f"Citation {key} #{ref} removed (no row)"))
            report._deletes.append(citation)
    return report


class _Draft:
    """The draft's rows, read once: pillars and practices by key, citations by (key, ref)."""

    def __init__(self, draft: Edition) -> None:
        self.pillars = {p.key: p for p in Pillar.objects.filter(edition=draft)}
        self.practices = {p.key: p for p in Practice.objects.filter(edition=draft)}
        self.numbered = list(sheet.numbered_citations(draft.pk))
        self.citations = {(key, ref): c for key, ref, c in self.numbered}
        self.categories = {c.slug: c for c in Category.objects.all()}


def _refuse(report: ImportReport, row: sheet.SheetRow, column: str, reason: str) -> None:
    report.refusals.append(Refusal(row.number, column, reason))


def _plan_weight(report: ImportReport, context: _Draft, row: sheet.SheetRow) -> None:
    rows = context.pillars if row[sheet.ROW] == sheet.PILLAR else context.practices
    target = rows.get(row[sheet.KEY])
    if target is None:
        reason = f"There is no {row[sheet.ROW]} {row[sheet.KEY]!r} in this draft."
        _refuse(report, row, sheet.KEY, reason)
        return
    what = f"{row[sheet.ROW].capitalize()} {target.key}"
    _assign(report, row, target, {sheet.WEIGHT: row[sheet.WEIGHT]}, what)


def _plan_citation(report: ImportReport, context: _Draft, row: sheet.SheetRow) -> Citation | None:
    practice = context.practices.get(row[sheet.KEY])
    if practice is None:
        _refuse(report, row, sheet.KEY, f"There is no practice {row[sheet.KEY]!r} in this draft.")
        return None
    ref = row[sheet.REF]
    if ref:
        citation = context.citations.get((practice.key, int(ref))) if ref.isdigit() else None
        if citation is None:
            reason = f"Practice {practice.key!r} has no citation #{ref} (blank adds one)."
            _refuse(report, row, sheet.REF, reason)
            return None
        what = f"Citation {practice.key} #{ref}"
    else:
        citation, what = Citation(practice=practice), f"New citation of {practice.key}"
    values = {column: row[column] for column in sheet.CITATION_COLUMNS}
    category = values.pop("category", "")
    if category and category not in context.categories:
        _refuse(report, row, "category", f"There is no category {category!r}.")
        return None
    before = sheet.cell_value(citation, "category") if citation.pk else ""
    citation.category = context.categories.get(category)
    if citation.pk and before != category:
        report.changes.append(Change(row.number, what, "category", str(before), category))
    _assign(report, row, citation, values, what)
    return citation


def _assign(
    report: ImportReport, row: sheet.SheetRow, target: models.Model, values: dict, what: str
) -> None:
    """Set the row's values on the instance, validate it and record what changes."""
    is_new = target.pk is None
    changed = []
    for name, text in values.items():
        model_field = cast(models.Field, target._meta.get_field(name))
        try:
            value = model_field.to_python(text) if text != "" else _blank(model_field)
        except ValidationError as exc:
            _refuse(report, row, name, " ".join(exc.messages))
            return
        old = getattr(target, name)
        if _shown(old) != _shown(value):
            changed.append(Change(row.number, what, name, _shown(old), _shown(value)))
            setattr(target, name, value)
    try:
        target.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for column, reason in _reasons_by_column(exc, values).items():
            _refuse(report, row, column, reason)
        return
    if is_new:
        report.changes.append(Change(row.number, what))
    else:
        report.changes += changed
    if is_new or changed:
        report._saves.append(target)


def _reasons_by_column(exc: ValidationError, columns: dict) -> dict[str, str]:
    """full_clean's messages by the file's column, each message once.

    A translated field is checked as itself (publisher) and as its default language's column
    (publisher_en): both are one cell of the file, so they are one refusal naming that cell.
    """
    reasons: dict[str, list[str]] = {}
    for name, messages in exc.message_dict.items():
        localized = build_localized_fieldname(name, settings.MODELTRANSLATION_DEFAULT_LANGUAGE)
        column = localized if name not in columns and localized in columns else name
        kept = reasons.setdefault(column, [])
        kept += [m for m in messages if m not in kept]
    return {column: " ".join(messages) for column, messages in reasons.items()}


def _blank(model_field: models.Field) -> object:
    # A blank text is "", a blank check box its default (not a proxy); any other blank cell
    # is no value (full_clean says it is required).
    if isinstance(model_field, models.BooleanField):
        return model_field.get_default()
    return "" if isinstance(model_field, models.CharField | models.TextField) else None


def _shown(value: object) -> str:
    """A value as the dry run shows it and as changes are compared (35.00 is 35)."""
    if value is None:
        return ""
    if hasattr(value, "normalize"):
        return format(value.normalize(), "f")
    return str(value).strip()
