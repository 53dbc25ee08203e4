"""Admins see every webhook endpoint and its delivery log; secrets and logs are not editable."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from api.models import WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "owner", "is_active", "created_at"]
    list_filter = ["is_active"]
    list_editable = ["is_active"]
    search_fields = ["url", "owner__username", "description"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    # The secret stays out of the admin: it was shown to its owner once, on create.
    fields = ["owner", "url", "description", "is_active", "created_at", "updated_at"]
    readonly_fields = ["created_at", "updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "endpoint", "status", "attempts", "response_status", "created_at"]
    list_filter = ["status", "event"]
    list_select_related = ["endpoint__owner"]
    search_fields = ["endpoint__url", "last_error"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request) -> bool:
        # Deliveries are made by the service when an event happens, never by hand.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
