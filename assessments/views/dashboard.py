"""The manager's home: their brands with their assessments, and starting a new assessment."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments import services
from assessments.core.presentation import steps
from assessments.edition_specs import edition_spec, edition_spec_of
from assessments.forms import StartForm
from assessments.models import Assessment, Brand, Membership, Question
from assessments.views.access import managed_assessment, signed_in_user


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Brands and their assessments in a fixed number of queries, however many there are."""
    user = signed_in_user(request)
    managed = Membership.objects.filter(
        user=user, brand=OuterRef("pk"), role=Membership.Role.MANAGER
    )
    brands = (
        Brand.objects.visible_to(user)
        .select_related("default_category")
        .annotate(is_managed=Exists(managed))
        .order_by("name")
    )
    by_brand = defaultdict(list)
    for assessment in _assessments(user):
        if assessment.is_editable:
            # The step last saved, by name, from the (cached) edition.
            spec = edition_spec_of(assessment.edition)
            last = assessment.resume_step
            pillar = next((p for p in spec.pillars if p.key == last), None)
            assessment.last_step = spec.texts.pillar(last, pillar.name) if pillar else None
        if assessment.result is not None:
            # The tier in both languages from the (cached) edition; the stored copy is English.
            texts = edition_spec_of(assessment.edition).texts
            result = assessment.result
            assessment.tier_name = texts.tier_name(result.tier_key, result.tier_name)
        by_brand[assessment.brand_id].append(assessment)
    rows = [(brand, by_brand[brand.pk]) for brand in brands]
    return render(request, "assessments/dashboard.html", {"rows": rows})


def _assessments(user):
    asked = (
        Question.objects.filter(edition=OuterRef("edition"))
        # No ordering: django-modeltranslation's queryset would group by the ordering fields
        # too, counting one question per group.
        .order_by()
        .values("edition")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Assessment.objects.visible_to(user)
        .select_related("category", "edition", "result", "updated_by")
        .annotate(answered=Count("answers"), asked=Subquery(asked, output_field=IntegerField()))
        .order_by("-created_at", "-id")
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a draft after a confirmation page; only the brand's managers, only drafts."""
    assessment = managed_assessment(request, pk)
    if not assessment.is_editable:
        messages.error(request, _("A submitted assessment cannot be deleted."))
        return redirect("dashboard")
    if request.method == "POST":
        try:
            services.assessment_delete_draft(assessment=assessment)
        except services.AssessmentNotEditable:
            messages.error(request, _("A submitted assessment cannot be deleted."))
        else:
            messages.success(request, _("The draft was deleted."))
        return redirect("dashboard")
    return render(request, "assessments/delete.html", {"assessment": assessment})


@login_required
@require_http_methods(["GET", "POST"])
def assessment_start(request: HttpRequest) -> HttpResponse:
    form = StartForm(request.POST or None, user=request.user, initial=_start_initial(request))
    if not form.brands.exists():
        messages.info(request, _("Only a brand's managers start its assessments."))
        return redirect("dashboard")
    if request.method == "POST" and form.is_valid():
        assessment = services.assessment_start(
            brand=form.cleaned_data["brand"],
            category=form.cleaned_data["category"],
            user=request.user,
            name=form.cleaned_data["name"],
        )
        first = steps(edition_spec(assessment.edition_id))[0]
        return redirect("assessment-step", pk=assessment.pk, step=first)
    # Lets the page preselect a brand's default category when the manager picks another brand.
    defaults = {
        str(pk): category_id
        for pk, category_id in form.brands.values_list("pk", "default_category")
    }
    return render(request, "assessments/start.html", {"form": form, "defaults": defaults})


def _start_initial(request: HttpRequest) -> dict:
    """The brand asked for (or the only one) with its default category preselected."""
    brands = Brand.objects.managed_by(request.user)
    wanted = request.GET.get("brand", "")
    brand = brands.filter(pk=wanted).first() if wanted.isdigit() else None
    if brand is None and brands.count() == 1:
        brand = brands.first()
    if brand is None:
        return {}
    return {"brand": brand, "category": brand.default_category_id}
