"""Tracked actions in the admin: read only, with their history. A brand's team changes them."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from assessments.models import TrackedAction


@admin.register(TrackedAction)
class TrackedActionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "brand", "status", "owner", "due_date", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["brand", "owner"]
    search_fields = ["title", "brand__name", "brand__slug", "practice_key"]

    # Admins read actions; only the brand's managers and consultants change them (the issue's
    # rule, also the web page's and the API's: assessments/actions.py).
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
