"""The questionnaire: one step per pillar, saved as a draft on every step, then review and submit.

Every save passes the draft version the page was built on, so two tabs or two colleagues never
overwrite each other silently: the later save gets a conflict page with both answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import formats, services
from assessments.core.answers import AnswerErrors
from assessments.core.presentation import (
    display_answer,
    pillar_counts,
    progress,
    questions_of,
    steps,
    unanswered,
)
from assessments.core.skip import hidden_questions
from assessments.core.specs import EditionSpec, QuestionSpec, QuestionType
from assessments.core.texts import Text
from assessments.edition_specs import edition_spec
from assessments.forms import NA, StepForm, step_questions
from assessments.models import Assessment
from assessments.views import drafts
from assessments.views.access import managed_assessment

TAMPERED = _(
    "This page was out of date or changed outside the form, so nothing was saved. "
    "Your saved answers are unchanged; check this step and save it again."
)


@dataclass(frozen=True)
class Shown:
    """A pillar or question as a page shows it: its key and its text in both languages."""

    key: str
    text: Text
    pillar: str = ""

    @property
    def name(self) -> Text:
        return self.text


def _answer_text(spec: EditionSpec, q: QuestionSpec, value: object, answered: bool) -> str:
    """A saved answer in the page's language (choice labels fall back to English)."""
    language = get_language()
    return display_answer(
        q,
        value,
        answered=answered,
        words=gettext,
        label=lambda q, c: spec.texts.choice(q.key, c.value, c.label).get(language),
        style=formats.style(),
    )


@login_required
@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Resume a draft where the manager stopped; anything else shows its status or report."""
    assessment = managed_assessment(request, pk)
    if not assessment.is_editable:
        return redirect("assessment-status", pk=pk)
    order = steps(edition_spec(assessment.edition_id))
    resume = assessment.resume_step if assessment.resume_step in order else order[0]
    return redirect("assessment-step", pk=pk, step=resume)


@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if not request.user.is_authenticated:
        # A save that arrives after the session ended: kept, and restored after login.
        return drafts.keep_for_login(request, pk=pk, step=step)
    assessment = managed_assessment(request, pk)
    if not assessment.is_editable:
        messages.info(request, str(services.AssessmentNotEditable(assessment)))
        return redirect("assessment-status", pk=pk)
    spec = edition_spec(assessment.edition_id)
    if step not in steps(spec):
        raise Http404("No such step in this questionnaire.")
    questions = step_questions(assessment.edition_id, step)
    step_form = partial(StepForm, questions=questions, spec=spec, category=assessment.category.slug)
    if request.method == "POST":
        form = step_form(request.POST)
        return _save_step(request, assessment, spec, step, form, request.POST.get("action", ""))
    kept = drafts.take_kept(request, pk=pk, step=step)
    if kept is not None:
        messages.info(request, drafts.RESTORED)
        return _save_step(request, assessment, spec, step, step_form(kept), "stay")
    saved = services.assessment_answers(assessment)
    initial = _initial(spec, step, saved) | {"version": assessment.version}
    form = step_form(initial=initial)
    return _render_step(request, assessment, spec, step, form, saved)


def _save_step(
    request: HttpRequest,
    assessment: Assessment,
    spec: EditionSpec,
    step: str,
    form: StepForm,
    action: str,
) -> HttpResponse:
    saved = services.assessment_answers(assessment)
    autosave = action == drafts.AUTOSAVE
    if form.unexpected_keys() or (not form.is_valid() and "version" in form.errors):
        form.add_error(None, TAMPERED)
        return _refused(request, assessment, spec, step, form, saved, autosave)
    if not form.is_valid():
        return _refused(request, assessment, spec, step, form, saved, autosave)
    target = _target(spec, step, action, request.GET.get("from", ""))
    try:
        services.assessment_save_answers(
            assessment=assessment,
            answers=_shown_answers(spec, form, saved),
            expected_version=form.cleaned_data["version"],
            resume_step=step if target in ("review", step) or autosave else target,
            user=request.user,
        )
    except AnswerErrors as problems:
        for key, message in problems.errors.items():
            form.add_error(key if key in form.fields else None, message.split(": ", 1)[-1])
        return _refused(request, assessment, spec, step, form, saved, autosave)
    except services.StaleDraft as conflict:
        if autosave:
            return drafts.autosave_conflict(request, conflict)
        return _conflict(request, assessment, spec, step, form, conflict)
    except services.AssessmentNotEditable as refused:
        messages.error(request, str(refused))
        return redirect("assessment-status", pk=assessment.pk)
    if autosave:
        return drafts.autosaved(assessment)
    return _after_save(request, assessment, action, target)


def _shown_answers(spec: EditionSpec, form: StepForm, saved: dict) -> dict[str, object]:
    """The form's answers less those to questions they hide (skip logic): dropped, not
    refused, since the page hid them and a page without script still posts them."""
    answers = form.answers()
    hidden = hidden_questions(spec, {**saved, **answers})
    return {key: value for key, value in answers.items() if key not in hidden}


def _after_save(request, assessment, action: str, target: str) -> HttpResponse:
    if action == "later":
        messages.success(request, _("Saved. You can pick up where you left off at any time."))
        return redirect("dashboard")
    if target == "review":
        return redirect("assessment-review", pk=assessment.pk)
    return redirect("assessment-step", pk=assessment.pk, step=target)


def _refused(request, assessment, spec, step, form, saved, autosave: bool) -> HttpResponse:
    if autosave:
        return drafts.autosave_refused(form)
    return _render_step(request, assessment, spec, step, form, saved, status=400)


def _target(spec: EditionSpec, step: str, action: str, came_from: str = "") -> str:
    """Where a step's button leads after saving; also where the manager resumes next time.
    An unknown action counts as the default button, "Save and continue"; a step opened from
    the review page ("Change") goes back to it."""
    where = progress(spec, step, ())
    if action == "back":
        return where.previous_step or step
    if action in ("later", "stay"):
        return step
    if came_from == "review":
        return "review"
    if action == "review":
        return "review"
    return where.next_step or "review"


def _conflict(request, assessment, spec, step, form, conflict) -> HttpResponse:
    """Keep what the user typed in the fields, show the saved answers that differ beside them,
    and take the new version so that saving again is a deliberate overwrite."""
    data = form.data.copy()
    data["version"] = str(conflict.current_version)
    retry = StepForm(data, questions=form.questions, spec=spec, category=form.category)
    retry.is_valid()
    saved = services.assessment_answers(assessment)
    typed = form.answers()
    latest = {
        q.key: _answer_text(spec, q, saved.get(q.key), q.key in saved)
        for q in questions_of(spec, step)
        if drafts.differs(q.key, typed, saved)
    }
    who = drafts.who_saved(conflict.saved_by, request.user)
    return _render_step(
        request, assessment, spec, step, retry, saved, status=409, conflict=who, latest=latest,
    )  # fmt: skip


def _render_step(
    request, assessment, spec, step, form, saved, *, status=200, conflict=None, latest=None
) -> HttpResponse:
    names = {p.key: spec.texts.pillar(p.key, p.name) for p in spec.pillars}
    context = {
        "assessment": assessment,
        "step": step,
        "pillar": names[step],
        "pillar_row": form.questions[0].practice.pillar if form.questions else None,
        "form": form,
        "items": form.items(latest, hidden_questions(spec, saved)),
        "progress": progress(spec, step, saved),
        "steps": [
            (key, names[key], done, asked) for key, done, asked in pillar_counts(spec, saved)
        ],
        "conflict": conflict,
        "differences": len(latest or {}),
        "error_count": len(form.errors),
        "came_from": request.GET.get("from", ""),
    }
    return render(request, "assessments/step.html", context, status=status)


def _initial(spec: EditionSpec, step: str, saved: dict[str, object]) -> dict[str, object]:
    initial: dict[str, object] = {}
    for q in questions_of(spec, step):
        if q.key not in saved:
            continue
        value = saved[q.key]
        if value is None:
            na_on_field = q.type in (QuestionType.PERCENT, QuestionType.MULTIPLE)
            initial[q.key + "--na" if na_on_field else q.key] = True if na_on_field else NA
        elif q.type == QuestionType.PERCENT and isinstance(value, int | float):
            initial[q.key] = f"{float(value):g}"
        else:
            initial[q.key] = value
    return initial


@login_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = managed_assessment(request, pk)
    if not assessment.is_editable:
        return redirect("assessment-status", pk=pk)
    return _render_review(request, assessment)


def _render_review(request, assessment, *, errors=None, status=200) -> HttpResponse:
    spec = edition_spec(assessment.edition_id)
    saved = services.assessment_answers(assessment)
    hidden = hidden_questions(spec, saved)
    order = steps(spec)
    pillars = [
        (
            Shown(pillar.key, spec.texts.pillar(pillar.key, pillar.name)),
            [
                (
                    _shown(spec, q),
                    _answer_text(spec, q, saved.get(q.key), q.key in saved),
                    q.key in saved,
                )
                for q in questions_of(spec, pillar.key)
                if q.key not in hidden
            ],
        )
        for pillar in spec.pillars
        if pillar.key in order
    ]
    context = {
        "assessment": assessment,
        "pillars": pillars,
        "missing": [_shown(spec, q) for q in unanswered(spec, saved)],
        "total": len(spec.questions) - len(hidden),
        "errors": errors or {},
    }
    return render(request, "assessments/review.html", context, status=status)


def _shown(spec: EditionSpec, q: QuestionSpec) -> Shown:
    return Shown(q.key, spec.texts.question(q.key, q.text), pillar=q.pillar)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = managed_assessment(request, pk)
    try:
        services.assessment_submit(assessment=assessment, user=request.user)
    except services.AssessmentNotEditable as refused:
        messages.error(request, str(refused))
        return redirect("assessment-status", pk=pk)
    except AnswerErrors as problems:
        return _render_review(request, assessment, errors=problems.errors, status=400)
    return redirect("assessment-status", pk=pk)
