"""The catalogue in the admin: administrators add local indicators without code.

Entries from catalog/catalogue.yaml are updated by `loadcatalog`; anything created here is
marked local so that the loader leaves it alone.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.admin import ReadOnlyAdmin
from analytics.tasks import rebuild_indicator_rollups
from catalog.models import (
    CatalogueLoad,
    DataElement,
    Indicator,
    Period,
    RegionTarget,
    Sector,
    Target,
)


class TargetInline(admin.TabularInline[Target, Indicator]):
    model = Target
    extra = 1


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin[Indicator]):
    list_display = ("code", "name_id", "sector", "numerator", "denominator", "factor", "is_local")
    list_filter = ("sector", "is_local", "direction")
    search_fields = ("code", "name_id", "name_en")
    inlines = [TargetInline]
    readonly_fields = ("is_local",)

    def save_model(self, request: HttpRequest, obj: Indicator, form: Any, change: bool) -> None:
        if not change:
            obj.is_local = True
        super().save_model(request, obj, form, change)
        # A new or edited indicator needs its roll-ups before its first figure is read; a
        # rebuild can take minutes, so the worker does it (queued with this save).
        rebuild_indicator_rollups.enqueue([obj.code])
        messages.info(
            request,
            _("Roll-up indikator %(code)s akan dibangun ulang di latar belakang.")
            % {"code": obj.code},
            fail_silently=True,
        )


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin[DataElement]):
    list_display = ("code", "name_id", "sector", "value_type", "aggregation", "period_type")
    list_filter = ("sector", "value_type", "aggregation", "period_type", "is_local")
    search_fields = ("code", "name_id", "name_en")
    readonly_fields = ("is_local",)

    def get_readonly_fields(self, request: HttpRequest, obj: DataElement | None = None) -> Any:
        # Changing how stored values aggregate or how often they are reported would make
        # the existing roll-ups wrong; those are fixed once an element exists.
        if obj is not None:
            return ("is_local", "code", "aggregation", "period_type")
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: DataElement, form: Any, change: bool) -> None:
        if not change:
            obj.is_local = True
        super().save_model(request, obj, form, change)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin[Sector]):
    list_display = ("code", "name_id", "name_en", "order")


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin[Period]):
    list_display = ("code", "type", "year", "first_month")
    list_filter = ("type", "year")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # periods are created from their codes when values arrive


@admin.register(CatalogueLoad)
class CatalogueLoadAdmin(admin.ModelAdmin[CatalogueLoad]):
    list_display = ("version", "loaded_at", "sha256")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RegionTarget)
class RegionTargetAdmin(ReadOnlyAdmin):
    """Local (RPJMD) targets, for reading: they are set, changed and ended on the region's
    target page (/kabupaten/<code>/target-daerah/), which audits every step and refuses
    overlapping years; the admin would bypass both."""

    list_display = ("indicator", "region", "value", "valid_from", "valid_to", "basis", "ended_at")
    list_filter = ("valid_from", "valid_to")
    search_fields = ("indicator__code", "region__code", "region__name", "basis")
    list_select_related = ("indicator", "region")
