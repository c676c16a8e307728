"""Read-only admin pages: changes go through the assignment page, the commands or the API,
which check authority and write the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.models import ApiToken, Assignment, AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "region", "sectors", "created_at", "created_by")
    list_filter = ("role",)
    search_fields = ("user__username", "region__code", "region__name")
    list_select_related = ("user", "region", "created_by")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "user",
        "hint",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    search_fields = ("name", "user__username", "hint")
    exclude = ("digest",)
    list_select_related = ("user",)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "username", "action", "region_code", "summary", "ip_address")
    list_filter = ("action",)
    search_fields = ("username", "region_code", "summary")
    date_hierarchy = "at"
