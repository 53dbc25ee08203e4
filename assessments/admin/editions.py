"""The edition admin: copy to a draft, preview the impact, publish, rescore, and job progress.

Every button calls a service in assessments/publishing.py; these views only translate its
outcome into messages and redirects.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from modeltranslation.utils import build_localized_fieldname
from simple_history.admin import SimpleHistoryAdmin

from assessments import edition_history, evidence_admin, observed, publishing, review
from assessments.admin import edition_sheets, workspace
from assessments.admin import preview as preview_pages
from assessments.admin.integrity import report_edition_problems
from assessments.admin.parts import (
    EditionPartInline,
    PublishedReadOnly,
    SearchInEveryLanguage,
    in_published_edition,
)
from assessments.edition_specs import edition_spec
from assessments.models import (
    ContextFigure,
    Edition,
    EditionJob,
    Pillar,
    PublishedEditionReadOnly,
    Tier,
)

# A running job's page reloads itself this often (seconds): progress a person can follow
# without hammering the database.
JOB_REFRESH_SECONDS = 2
CHANGES_PER_PAGE = 50
EDITION_READ_ONLY_HINT = (
    "This edition is published and read-only: results point at it, so it never changes. "
    "Use \u201cCreate a draft from this edition\u201d, change the draft and publish it."
)


class PillarInline(EditionPartInline, TranslationTabularInline):
    model = Pillar
    fields = ["key", "name", "weight", "position"]
    show_change_link = True


class TierInline(EditionPartInline, TranslationTabularInline):
    model = Tier
    fields = ["key", "name", "min_index", "summary"]


class ContextFigureInline(EditionPartInline, TranslationStackedInline):
    model = ContextFigure
    fields = ["statement", ("population", "publisher", "title", "year"), "note", "position"]


class PublishForm(forms.Form):
    """What users will read about the edition: asked for at every publication."""

    label = forms.CharField(
        max_length=100,
        label=_("Label"),
        help_text=_("The edition's name in reports, e.g. “2018 China benchmark”."),
    )
    release_note_en = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label=_("Release note (English)")
    )
    release_note_zh_hans = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label=_("Release note (Chinese)"),
    )

    publish_at = forms.DateTimeField(
        required=False,
        label=_("Publish at (optional)"),
        help_text=_("Leave empty to publish now; with a time, the draft becomes current then."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    @staticmethod
    def initial_for(edition: Edition) -> dict[str, str]:
        generated = publishing.GENERATED_LABEL.match(edition.label)
        return {
            "label": "" if generated else edition.label,
            **{
                build_localized_fieldname("release_note", code): getattr(
                    edition, build_localized_fieldname("release_note", code)
                )
                or ""
                for code, _name in settings.LANGUAGES
            },
        }

    def release_notes(self) -> dict[str, str]:
        data = self.cleaned_data
        return {"en": data["release_note_en"], "zh-hans": data["release_note_zh_hans"]}


@admin.register(Edition)
class EditionAdmin(SearchInEveryLanguage, PublishedReadOnly, SimpleHistoryAdmin, TranslationAdmin):
    list_display = [
        "label",
        "status",
        "review_requested_at",
        "is_current",
        "based_on",
        "created_at",
        "publish_at",
        "published_at",
    ]
    list_filter = ["status", "is_current"]
    list_select_related = ["based_on"]
    search_fields = ["label", "notes"]
    fields = [
        "label",
        "notes",
        "release_note",
        "status",
        "is_current",
        "based_on",
        "review_requested_at",
        "publish_at",
        "published_at",
    ]
    readonly_fields = [
        "status",
        "is_current",
        "based_on",
        "review_requested_at",
        "publish_at",
        "published_at",
    ]
    inlines = [PillarInline, TierInline, ContextFigureInline]
    actions = ["create_draft", "offer_observed"]
    change_form_template = "admin/assessments/edition/change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        edition = self.get_object(request, object_id)
        if request.method == "GET" and in_published_edition(edition):
            messages.info(request, EDITION_READ_ONLY_HINT)
        context = {
            **(extra_context or {}),
            "edition": edition,
            "jobs": _recent_jobs(edition),
            "stale": evidence_admin.stale_figures(edition) if edition else [],
            "stale_after": settings.EVIDENCE_STALE_AFTER_YEARS,
            "problems": _draft_problems(edition),
        }
        return super().change_view(request, object_id, form_url, context)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        report_edition_problems(request, form.instance.pk)

    @admin.action(description="Create a draft from this edition")
    def create_draft(self, request: HttpRequest, queryset) -> None:
        for edition in queryset:
            draft = publishing.edition_copy(edition=edition, user=request.user)
            messages.success(
                request, f"Created the draft \u201c{draft}\u201d: change it, then publish."
            )

    @admin.action(description="Offer observed adoption as figures (a draft)")
    def offer_observed(self, request: HttpRequest, queryset) -> HttpResponse | None:
        drafts = [edition for edition in queryset if edition.is_draft]
        if len(drafts) != 1:
            messages.error(request, "Pick one draft edition: observed figures go into a draft.")
            return None
        return HttpResponseRedirect(
            reverse("admin:assessments_edition_observed", args=[drafts[0].pk])
        )

    def observed_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        edition = self._edition(request, pk)
        try:
            offers = observed.observed_offers(edition=edition)
        except observed.ObservedRefused as refused:
            messages.error(request, str(refused))
            return _to_change(pk)
        if request.method == "POST":
            return self._keep_observed(request, edition, offers)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Observed adoption for {edition}",
            "edition": edition,
            "offers": offers,
            "min_brands": settings.OBSERVED_MIN_BRANDS,
        }
        return TemplateResponse(request, "admin/assessments/edition/observed.html", context)

    def _keep_observed(self, request: HttpRequest, edition: Edition, offers) -> HttpResponse:
        wanted = set(request.POST.getlist("keep"))
        try:
            kept = observed.observed_keep(
                edition=edition, offers=[o for o in offers if o.key in wanted], user=request.user
            )
        except (observed.ObservedRefused, ValidationError, PublishedEditionReadOnly) as refused:
            messages.error(request, f"Nothing was added: {refused}")
            return _to_change(edition.pk)
        messages.success(request, f"Added {len(kept)} observed figure(s) to the draft.")
        return _to_change(edition.pk)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/copy/", view(self.copy_view), name="assessments_edition_copy"),
            path("<int:pk>/preview/", view(self.preview_view), name="assessments_edition_preview"),
            path("<int:pk>/publish/", view(self.publish_view), name="assessments_edition_publish"),
            path("<int:pk>/rescore/", view(self.rescore_view), name="assessments_edition_rescore"),
            path(
                "<int:pk>/observed/", view(self.observed_view), name="assessments_edition_observed"
            ),
            path(
                "<int:pk>/spreadsheet.<str:fmt>",
                view(self.export_view),
                name="assessments_edition_export",
            ),
            path("<int:pk>/import/", view(self.import_view), name="assessments_edition_import"),
            path("<int:pk>/changes/", view(self.changes_view), name="assessments_edition_changes"),
            path("<int:pk>/review/", view(self.review_view), name="assessments_edition_review"),
            path(
                "<int:pk>/workspace/",
                view(self.workspace_view),
                name="assessments_edition_workspace",
            ),
            path("jobs/<int:job_id>/", view(self.job_view), name="assessments_edition_job"),
            *super().get_urls(),
        ]

    def _edition(self, request: HttpRequest, pk: int) -> Edition:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Edition, pk=pk)

    def copy_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return require_POST(self._copy)(request, pk)

    def _copy(self, request: HttpRequest, pk: int) -> HttpResponse:
        draft = publishing.edition_copy(edition=self._edition(request, pk), user=request.user)
        messages.success(
            request, f"Created the draft \u201c{draft}\u201d: change it, then publish."
        )
        return _to_change(draft.pk)

    def export_view(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        if fmt not in edition_sheets.CONTENT_TYPES:
            raise Http404("Export as .xlsx or .csv.")
        return edition_sheets.export_response(self._edition(request, pk), fmt)

    def import_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        edition = self._edition(request, pk)
        if not edition.is_draft or not self.has_change_permission(request, edition):
            raise PermissionDenied
        return edition_sheets.import_page(request, edition, self._page(request, str(_("Import"))))

    def workspace_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        edition = self._edition(request, pk)
        context = {
            **self._page(request, _("Workspace of %(edition)s") % {"edition": edition}),
            "edition": edition,
            **workspace.workspace(edition),
        }
        return TemplateResponse(request, "admin/assessments/edition/workspace.html", context)

    def review_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return require_POST(self._review)(request, pk)

    def _review(self, request: HttpRequest, pk: int) -> HttpResponse:
        edition = self._edition(request, pk)
        if not self.has_change_permission(request, edition):
            raise PermissionDenied
        text = request.POST.get("text", "")
        try:
            if "ready" in request.POST:
                review.edition_request_review(edition=edition, user=request.user, text=text)
                messages.success(request, _("The draft is ready for review."))
            else:
                review.edition_comment(edition=edition, user=request.user, text=text)
                messages.success(request, _("Comment added."))
        except publishing.EditionRefused as refused:
            messages.error(request, str(refused))
        return HttpResponseRedirect(reverse("admin:assessments_edition_publish", args=[pk]))

    def changes_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        edition = self._edition(request, pk)
        practice = request.GET.get("practice", "")
        entries = edition_history.change_log(edition, practice=practice)
        context = {
            **self._page(request, _("Change log of %(edition)s") % {"edition": edition}),
            "edition": edition,
            "practice": practice,
            "entries": Paginator(entries, CHANGES_PER_PAGE).get_page(request.GET.get("page")),
        }
        return TemplateResponse(request, "admin/assessments/edition/changes.html", context)

    def _page(self, request: HttpRequest, title: str) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.opts, "title": title}

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return require_POST(self._preview)(request, pk)

    def _preview(self, request: HttpRequest, pk: int) -> HttpResponse:
        edition = self._edition(request, pk)
        try:
            job = publishing.edition_preview(edition=edition, user=request.user)
        except publishing.EditionRefused as refused:
            _report_refusal(request, refused)
            return _to_change(pk)
        _warn_untranslated(request, edition.pk)
        _warn_proxies(request, edition.pk)
        return _to_job(job.pk)

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        edition = self._edition(request, pk)
        form = PublishForm(request.POST or None, initial=PublishForm.initial_for(edition))
        may_publish = request.user.has_perm("assessments.publish_edition")
        if request.method == "POST":
            if not may_publish:
                raise PermissionDenied
            if form.is_valid():
                return self._publish(request, edition, form)
        context = {
            **self._page(request, f"Publish {edition}"),
            "edition": edition,
            "current": Edition.objects.filter(is_current=True).first(),
            "problems": publishing.edition_validate(edition_id=pk) if edition.is_draft else [],
            "warnings": publishing.edition_warnings(edition_id=pk) if edition.is_draft else [],
            "form": form,
            "may_publish": may_publish,
            "comments": edition.comments.select_related("author"),
            **preview_pages.publish_context(request, edition),
        }
        return TemplateResponse(request, "admin/assessments/edition/publish.html", context)

    def _publish(self, request: HttpRequest, edition: Edition, form: PublishForm) -> HttpResponse:
        if form.cleaned_data.get("publish_at"):
            return self._schedule(request, edition, form)
        expected = request.POST.get("expected_current_id")
        try:
            published = publishing.edition_publish(
                edition_id=edition.pk,
                user=request.user,
                expected_current_id=int(expected) if expected else None,
                label=form.cleaned_data["label"],
                release_notes=form.release_notes(),
                fresh_preview=True,
            )
        except publishing.EditionRefused as refused:
            _report_refusal(request, refused)
            return HttpResponseRedirect(
                reverse("admin:assessments_edition_publish", args=[edition.pk])
            )
        messages.success(request, f"\u201c{published}\u201d is now the current edition.")
        if request.POST.get("rescore"):
            job = publishing.rescore_start(edition=published, user=request.user)
            return _to_job(job.pk)
        return _to_change(published.pk)

    def _schedule(self, request: HttpRequest, edition: Edition, form: PublishForm) -> HttpResponse:
        try:
            scheduled = publishing.edition_schedule(
                edition_id=edition.pk,
                at=form.cleaned_data["publish_at"],
                label=form.cleaned_data["label"],
                release_notes=form.release_notes(),
                fresh_preview=True,
            )
        except publishing.EditionRefused as refused:
            _report_refusal(request, refused)
            return HttpResponseRedirect(
                reverse("admin:assessments_edition_publish", args=[edition.pk])
            )
        messages.success(
            request,
            _("“%(edition)s” is scheduled: it becomes current at %(at)s, then rescoring starts.")
            % {"edition": scheduled, "at": scheduled.publish_at},
        )
        return _to_change(scheduled.pk)

    def rescore_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return require_POST(self._rescore)(request, pk)

    def _rescore(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("assessments.publish_edition"):
            raise PermissionDenied
        try:
            job = publishing.rescore_start(edition=self._edition(request, pk), user=request.user)
        except publishing.EditionRefused as refused:
            _report_refusal(request, refused)
            return _to_change(pk)
        return _to_job(job.pk)

    def job_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = get_object_or_404(EditionJob.objects.select_related("edition"), pk=job_id)
        if request.method == "POST" and "resume" in request.POST:
            resent = publishing.job_resume(job=job)
            messages.info(request, f"Sent {resent} unfinished chunk(s) again.")
            return _to_job(job.pk)
        summary = publishing.preview_summary(job) if job.kind == EditionJob.Kind.PREVIEW else None
        context = {
            **self._page(request, str(job)),
            "job": job,
            "failed": job.chunks.exclude(error="").values_list("number", "error")[:20],
            "summary": summary,
            "refresh": JOB_REFRESH_SECONDS if job.is_running else None,
        }
        if summary is not None and not job.is_running:
            context.update(preview_pages.impact_context(request, job.edition, job, summary))
        return TemplateResponse(request, "admin/assessments/edition/job.html", context)


@admin.register(EditionJob)
class EditionJobAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "done", "total", "created_by", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["edition", "created_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The progress page says more than the raw row.
        return _to_job(int(object_id))


def _draft_problems(edition: Edition | None) -> list[str]:
    if edition is None or not edition.is_draft:
        return []
    return publishing.edition_validate(edition_id=edition.pk)


def _recent_jobs(edition: Edition | None):
    return list(edition.jobs.all()[:5]) if edition is not None else []


def _warn_untranslated(request: HttpRequest, edition_id: int) -> None:
    """A warning, never a refusal: pages show the English, marked, where Chinese is missing."""
    missing = edition_spec(edition_id).texts.untranslated()
    if missing:
        counts = ", ".join(f"{count} {kind}" for kind, count in sorted(missing.items()))
        messages.warning(
            request,
            f"Texts without a Chinese translation ({counts}): Chinese pages show them "
            "in English, marked, until they are translated.",
        )


def _warn_proxies(request: HttpRequest, edition_id: int) -> None:
    """Each benchmark share that is a proxy: publishable, worded as a proxy everywhere."""
    for warning in publishing.edition_warnings(edition_id=edition_id):
        messages.warning(request, warning)


def _report_refusal(request: HttpRequest, refused: publishing.EditionRefused) -> None:
    if isinstance(refused, publishing.EditionInvalid):
        messages.error(request, "The edition cannot be published or previewed yet. Fix this first:")
        for problem in refused.problems:
            messages.error(request, problem)
        return
    messages.error(request, str(refused))


def _to_change(pk: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("admin:assessments_edition_change", args=[pk]))


def _to_job(job_id: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("admin:assessments_edition_job", args=[job_id]))
