from django.contrib import admin

from accounts.admin import ReadOnlyAdmin
from facilities.models import Facility


@admin.register(Facility)
class FacilityAdmin(ReadOnlyAdmin):
    """Read-only here: changes go through the register pages, which also save the counts."""

    list_display = ("name", "kind", "desa", "active", "status_date", "source")
    list_filter = ("kind", "active")
    search_fields = ("name", "desa__code", "desa__name", "source_key")
