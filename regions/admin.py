from django.contrib import admin

from regions.models import Region, RegionCodeChange, RegionNameChange


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    list_display = ("code", "name", "kind", "postal_code", "first_edition", "retired_in")
    list_filter = ("level", "kind", "retired_in")
    search_fields = ("code", "name")
    readonly_fields = ("code", "level", "parent")
    show_full_result_count = False


@admin.register(RegionNameChange)
class RegionNameChangeAdmin(admin.ModelAdmin[RegionNameChange]):
    list_display = ("region", "old_name", "new_name", "edition", "changed_at")
    readonly_fields = ("region", "old_name", "new_name", "edition", "changed_at")


@admin.register(RegionCodeChange)
class RegionCodeChangeAdmin(admin.ModelAdmin[RegionCodeChange]):
    """The crosswalk; a name match can be corrected or deleted here by an administrator."""

    list_display = ("old_code", "old_name", "region", "kind", "name_match", "edition", "source")
    list_filter = ("kind", "name_match", "edition")
    search_fields = ("old_code", "old_name", "region__code", "region__name")
    raw_id_fields = ("region",)
