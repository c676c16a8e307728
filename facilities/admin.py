from django.contrib import admin

from facilities.models import Facility


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin[Facility]):
    """Read-only here: changes go through the register pages, which also save the counts."""

    list_display = ("name", "kind", "desa", "active", "status_date", "source")
    list_filter = ("kind", "active")
    search_fields = ("name", "desa__code", "desa__name", "source_key")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
