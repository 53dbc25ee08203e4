"""Admins of brands, memberships and assessments; results are read-only."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest

from assessments import services
from assessments.models import Assessment, Brand, Membership, Result


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "default_category", "created_at"]
    list_filter = ["default_category"]
    list_select_related = ["default_category"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "brand", "role"]
    list_filter = ["role"]
    list_select_related = ["user", "brand"]
    search_fields = ["user__username", "brand__name", "brand__slug"]
    raw_id_fields = ["user", "brand"]


class ResultInline(admin.TabularInline):
    """Every result of the assessment, one per edition it was scored on; never edited here."""

    model = Result
    extra = 0
    fields = readonly_fields = (
        "edition",
        "overall",
        "benchmark_overall",
        "readiness_index",
        "tier_name",
        "created_at",
    )
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("edition")


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "edition", "index", "tier", "submitted_at"]
    list_filter = ["status", "category", "edition"]
    list_select_related = ["brand", "category", "edition", "result"]
    search_fields = ["brand__name", "brand__slug"]
    date_hierarchy = "submitted_at"
    fields = readonly_fields = (
        "brand",
        "category",
        "edition",
        "status",
        "failure_reason",
        "result",
        "created_by",
        "submitted_by",
        "created_at",
        "submitted_at",
        "scored_at",
        "version",
    )
    inlines = [ResultInline]
    actions = ["retry_scoring"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="readiness index", ordering="result__readiness_index")
    def index(self, obj: Assessment) -> str:
        index = obj.result.readiness_index if obj.result else None
        return "-" if index is None else f"{index:.0f}"

    @admin.display(description="tier", ordering="result__tier_name")
    def tier(self, obj: Assessment) -> str:
        return obj.result.tier_name if obj.result else "-"

    @admin.action(description="Retry scoring of the selected failed assessments")
    def retry_scoring(self, request: HttpRequest, queryset) -> None:
        retried = sum(services.assessment_retry(assessment=a) for a in queryset)
        skipped = queryset.count() - retried
        messages.success(request, f"Sent {retried} failed assessment(s) back to scoring.")
        if skipped:
            messages.warning(request, f"Left {skipped} alone: only failed assessments are retried.")
