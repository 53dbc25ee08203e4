"""After submission: the status page that follows scoring, and the report with its downloads."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from assessments import downloads
from assessments.followups import done_action_checks
from assessments.models import Assessment
from assessments.plans import PlanSection, PlanTargetError, assessment_plan
from assessments.report_data import Report, report_for
from assessments.views.access import visible_assessment

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

Status = Assessment.Status
# What a manager reads while waiting; failure_reason stays for admins.
STATUS_MESSAGES: dict[str, StrPromise] = {
    Status.DRAFT: _("This assessment is still a draft: it has not been submitted."),
    Status.SUBMITTED: _("Your answers are in. Scoring starts in a moment."),
    Status.SCORING: _("Scoring your answers against the China benchmark…"),
    Status.SCORED: _("Your report is ready."),
    Status.FAILED: _(
        "Scoring failed on our side, not because of your answers. The admins have been told "
        "and will score it again; you don't need to answer anything again."
    ),
}


@login_required
@require_GET
def status(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = visible_assessment(request, pk)
    if assessment.result_id and assessment.status == Status.SCORED:
        return redirect("assessment-report", pk=pk)
    return render(
        request,
        "assessments/status.html",
        {"assessment": assessment, "message": STATUS_MESSAGES[assessment.status]},
    )


@login_required
@require_GET
def status_json(request: HttpRequest, pk: int) -> JsonResponse:
    """Polled by the status page every two seconds until the report is ready or scoring failed."""
    assessment = visible_assessment(request, pk)
    ready = assessment.status == Status.SCORED and assessment.result_id is not None
    return JsonResponse(
        {
            "status": assessment.status,
            "label": assessment.get_status_display(),
            "message": str(STATUS_MESSAGES[assessment.status]),
            "ready": ready,
            "failed": assessment.status == Status.FAILED,
            "report_url": reverse("assessment-report", args=[pk]) if ready else None,
        },
        headers={"Cache-Control": "no-store"},
    )


# A report names a client's brand and scores: no shared or browser cache may keep it.
private_no_store = cache_control(private=True, no_store=True)


def _report(request: HttpRequest, pk: int) -> Report | None:
    assessment = get_object_or_404(Assessment.objects.visible_to(request.user).with_report(), pk=pk)
    return report_for(assessment) if assessment.result is not None else None


@login_required
@require_GET
@private_no_store
def report(request: HttpRequest, pk: int) -> HttpResponse:
    found = _report(request, pk)
    if found is None:
        return redirect("assessment-status", pk=pk)
    plan, plan_error = _plan(found, request.GET.get("target"))
    done = done_action_checks(assessment=found.assessment, previous=found.previous)
    return render(
        request,
        "assessments/report.html",
        {"report": found, "plan": plan, "plan_error": plan_error, "done_actions": done},
    )


def _plan(found: Report, target: str | None) -> tuple[PlanSection, str]:
    """The plan to the asked target; for a bad one (a hand-edited URL), the default and why."""
    try:
        return assessment_plan(assessment=found.assessment, target=target), ""
    except PlanTargetError as exc:
        return assessment_plan(assessment=found.assessment), str(exc)


@login_required
@require_GET
@private_no_store
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, downloads.report_pdf, "application/pdf", "pdf")


@login_required
@require_GET
@private_no_store
def report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    # With a byte-order mark: this download is for people, who open it in Excel.
    return _download(
        request, pk, partial(downloads.report_csv, bom=True), "text/csv; charset=utf-8", "csv"
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, downloads.report_xlsx, XLSX, "xlsx")


def _download(request, pk: int, render_report, content_type: str, extension: str) -> HttpResponse:
    """The report as a file; before it is scored, the status page instead."""
    found = _report(request, pk)
    if found is None:
        return redirect("assessment-status", pk=pk)
    response = HttpResponse(render_report(found), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{_filename(found)}.{extension}"'
    return response


def _filename(found: Report) -> str:
    return f"readiness-{found.assessment.brand.slug}-{found.assessment.pk}"
