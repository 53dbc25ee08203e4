"""A draft's rows stay one edition's, and its problems show where an admin edits.

Two admin mixins: the dropdowns of a row's parents offer only its edition's rows (or, on an add
form without an edition yet, only drafts' rows, each named with its edition), and every save of
a draft row runs the edition-wide checks and reports what is still to fix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from assessments import publishing
from assessments.core.edition_checks import Problem
from assessments.models import (
    Choice,
    Citation,
    ContextFigure,
    Edition,
    EditionPart,
    Pillar,
    Practice,
    Question,
    Tier,
)

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    _ModelAdmin = ModelAdmin[Any]
else:
    _ModelAdmin = object

# Parents that belong to an edition: their dropdowns are limited to the row's edition.
EDITION_PARENTS = (Pillar, Practice, Question)
# How many of an edition's problems a save lists before pointing at the draft's page.
LISTED_PROBLEMS = 5


def problem_ref(row: EditionPart) -> tuple[str, str]:
    """The (kind, key) of edition_checks.Problem that names this row (or the row it sits on)."""
    if isinstance(row, Citation):
        return "practice", row.practice.key
    if isinstance(row, Choice):
        return "question", row.question.key
    if isinstance(row, ContextFigure):
        return "figure", row.statement[:40]
    kinds = {Pillar: "pillar", Practice: "practice", Question: "question", Tier: "tier"}
    return kinds.get(type(row), ""), getattr(row, "key", "")


def problems_of(row: EditionPart, problems: list[Problem]) -> list[str]:
    kind, key = problem_ref(row)
    return [p.message for p in problems if (p.kind, p.key) == (kind, key)]


def _scope(request: HttpRequest) -> int | None:
    text = str(getattr(request, "_edition_scope", None) or request.GET.get("edition") or "")
    return int(text) if text.isdigit() else None


def _with_edition(row) -> str:
    return f"{row} ({row.edition})"


class EditionScopedChoices(_ModelAdmin):
    """Parent dropdowns list the row's own edition's rows; the edition dropdown lists drafts."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        request._edition_scope = obj.owning_edition_id() if obj is not None else None
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        model = db_field.related_model
        scope = _scope(request)
        if model is Edition:
            kwargs["queryset"] = Edition.objects.filter(status=Edition.Status.DRAFT)
        elif model in EDITION_PARENTS:
            rows = model._default_manager.select_related("edition")
            if scope is not None:
                rows = rows.filter(edition_id=scope)
            else:
                rows = rows.filter(edition__status=Edition.Status.DRAFT)
            kwargs["queryset"] = rows
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if model in EDITION_PARENTS and scope is None and field is not None:
            # Without an edition yet, the same name appears once per draft: say whose it is.
            field.label_from_instance = _with_edition
        return field


class DraftProblems(_ModelAdmin):
    """The edition-wide checks run on every save of a draft row and on opening one."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if request.method == "GET" and isinstance(obj, EditionPart):
            _warn_row(request, obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        report_edition_problems(request, form.instance.owning_edition_id())


def _draft_problems(edition_id: int | None) -> list[Problem]:
    if edition_id is None or not Edition.objects.filter(pk=edition_id, status="draft").exists():
        return []
    return publishing.edition_problem_rows(edition_id=edition_id)


def _warn_row(request: HttpRequest, row: EditionPart) -> None:
    for message in problems_of(row, _draft_problems(row.owning_edition_id())):
        messages.warning(request, _("To fix before publishing: %(problem)s") % {"problem": message})


def report_edition_problems(request: HttpRequest, edition_id: int | None) -> None:
    """After a save: the draft's problems now, once per request (a changelist saves many rows)."""
    reported = request.__dict__.setdefault("_editions_reported", set())
    if edition_id in reported:
        return
    reported.add(edition_id)
    problems = _draft_problems(edition_id)
    if not problems:
        return
    messages.warning(
        request,
        _("The draft now has %(count)d problem(s) to fix before publishing:")
        % {"count": len(problems)},
    )
    for problem in problems[:LISTED_PROBLEMS]:
        messages.warning(request, problem.message)
    if len(problems) > LISTED_PROBLEMS:
        more = len(problems) - LISTED_PROBLEMS
        more_text = _("... and %(count)d more on the draft's page.")
        messages.warning(request, more_text % {"count": more})
