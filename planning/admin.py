from django.contrib import admin

from planning.activities import Activity
from planning.followups import FollowUp, FollowUpChange
from planning.proposals import Proposal, ProposalChange


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin[Activity]):
    list_display = ["key", "sector", "authority", "kegiatan_code", "opd", "name", "is_local"]
    list_filter = ["sector", "authority", "opd", "is_local"]
    search_fields = ["key", "kegiatan_code", "name"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Entries from planning/activities.yaml are changed in the file, not here.
        return ["is_local"] + (["key"] if obj is not None and not obj.is_local else [])


class ChangeInline(admin.TabularInline[FollowUpChange, FollowUp]):
    model = FollowUpChange
    extra = 0
    can_delete = False
    readonly_fields = ["old_status", "new_status", "note", "by", "at"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin[FollowUp]):
    list_display = ["desa", "indicator", "owner", "opd", "due_date", "status"]
    list_filter = ["status", "owner", "opd"]
    readonly_fields = ["status", "created_at", "created_by"]
    inlines = [ChangeInline]


class ProposalChangeInline(admin.TabularInline[ProposalChange, Proposal]):
    model = ProposalChange
    extra = 0
    can_delete = False
    readonly_fields = ["old_status", "new_status", "reason", "year", "by", "at"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin[Proposal]):
    list_display = ["desa", "year", "priority", "activity", "opd", "cost_rp", "status"]
    list_filter = ["status", "opd", "year", "source"]
    search_fields = ["desa__code", "desa__name", "activity"]
    readonly_fields = ["status", "reason", "decision_year", "created_at", "created_by"]
    inlines = [ProposalChangeInline]
