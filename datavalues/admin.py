"""Data values and their history, read-only in the admin.

Values change only through datavalues.writing.save_values (forms, imports, API), which keeps
history and roll-ups in step; an admin edit would bypass both.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin import ReadOnlyAdmin
from datavalues.models import DataValue, ValueChange


@admin.register(DataValue)
class DataValueAdmin(ReadOnlyAdmin):
    list_display = ("region", "element", "period", "value", "source", "updated_at")
    list_filter = ("element__sector", "source")
    search_fields = ("region__code", "element__code")
    raw_id_fields = ("region",)
    show_full_result_count = False


@admin.register(ValueChange)
class ValueChangeAdmin(ReadOnlyAdmin):
    list_display = (
        "region",
        "element",
        "period",
        "old_value",
        "new_value",
        "how",
        "upload_ref",
        "changed_at",
    )
    list_filter = ("how",)
    search_fields = ("region__code", "element__code")
    show_full_result_count = False

    @admin.display(description=_("unggahan"), ordering="upload_id")
    def upload_ref(self, obj: ValueChange) -> str:
        # The id only: loading the Upload would read the stored file of every row.
        return f"#{obj.upload_id}" if obj.upload_id else ""
