"""Admins see every API token and webhook endpoint, and the delivery log; no secret is shown.

Tokens are only ever made by their owner (the API, create_user): their value is shown once, to
that person. Here an admin sees whose they are and revokes them (delete), or shortens a life.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from api import tokens
from api.models import ApiToken, WebhookDelivery, WebhookEndpoint


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "created_at", "expires_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["prefix", "name", "user__username"]
    date_hierarchy = "created_at"
    # Never the digest: it is no credential, but nobody needs it.
    fields = ["user", "prefix", "name", "created_at", "expires_at", "last_used_at"]
    readonly_fields = ["user", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def delete_model(self, request, obj: ApiToken) -> None:
        tokens.token_revoke(obj)

    def delete_queryset(self, request, queryset) -> None:
        tokens.tokens_revoke(queryset)


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
