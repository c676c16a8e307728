"""Pages of the cycle: the work menu, the approval queue, the desa's follow-ups, the inbox."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.scoping import landing_region_code, region_for_user_or_404, require_role, scope_of
from cycle import notices
from cycle.models import Notice
from cycle.navigation import WORKING_ROLES
from cycle.work import desa_work, kecamatan_work, programme_work
from dashboard import views as dashboard_views
from datavalues.review import may_decide, queue
from datavalues.sample import sample_data_under
from planning.feedback import apply_change
from planning.followups import FollowUp, Owner, Status, change_status
from regions.models import Level, Region

# What a desa operator may report on a follow-up it owns: it is working on it, or done.
PROGRESS = [
    (Status.IN_PROGRESS.value, Status.IN_PROGRESS.label),
    (Status.DONE.value, Status.DONE.label),
]


@never_cache
def home(request: HttpRequest) -> HttpResponse:
    """A desa operator or a camat starts from its work, a programme secretariat from its
    programmes; everyone else from a dashboard."""
    code = landing_region_code(request.user)
    scope = scope_of(request.user)
    if code is None or not scope.roles_at(code) & WORKING_ROLES:
        if scope.cohorts:
            notices.refresh_for(request.user)
            return render(
                request,
                "cycle/programme_home.html",
                {
                    "groups": programme_work(request.user),
                    "unread": notices.unread(request.user)[:5],
                },
            )
        return dashboard_views.home(request)
    region = Region.objects.get(code=code)
    notices.refresh_for(request.user)
    if region.level == Level.DESA:
        groups = desa_work(request.user, region)
        dashboard = reverse("dashboard-desa", args=[code])
    elif region.level == Level.KECAMATAN:
        groups = kecamatan_work(request.user, region)
        dashboard = reverse("dashboard-kecamatan", args=[code])
    else:
        return dashboard_views.home(request)
    return render(
        request,
        "cycle/home.html",
        {
            "region": region,
            "groups": groups,
            "dashboard": dashboard,
            "unread": notices.unread(request.user)[:5],
            "sample": sample_data_under(code),
        },
    )


@never_cache
def approval_queue(request: HttpRequest) -> HttpResponse:
    """Periods submitted for approval in the user's scope, oldest first."""
    scope = scope_of(request.user)
    if scope.is_empty or not (
        scope.is_admin or any(g.role in (Role.KECAMATAN, Role.KABUPATEN) for g in scope.grants)
    ):
        raise Http404("the queue is for verifiers")
    items = list(queue(request.user)[:200])
    return render(
        request,
        "cycle/queue.html",
        {"items": [(a, may_decide(request.user, a.region_id)) for a in items]},
    )


def _owned(request: HttpRequest, code: str) -> Region:
    desa = region_for_user_or_404(request, code)
    if desa.level != Level.DESA:
        raise Http404("follow-ups of a desa")
    return desa


def _may_report(request: HttpRequest, code: str) -> bool:
    held = scope_of(request.user).roles_at(code)
    return bool(held & {Role.DESA, Role.KECAMATAN, Role.KABUPATEN, Role.ADMIN})


@never_cache
def desa_follow_ups(request: HttpRequest, code: str) -> HttpResponse:
    """The follow-ups a desa owns (and those the OPD owns for it), with their history."""
    desa = _owned(request, code)
    sectors = scope_of(request.user).sectors_at(code)
    items = list(
        FollowUp.objects.filter(desa=desa)
        .in_sectors(sectors)
        .select_related("indicator")
        .prefetch_related("changes")
        .order_by("status", "due_date")
    )
    return render(
        request,
        "cycle/desa_follow_ups.html",
        {
            "region": desa,
            "items": items,
            "today": timezone.localdate(),
            "may_report": _may_report(request, code),
            "progress": PROGRESS,
            "desa_owner": Owner.DESA,
            "sample": sample_data_under(code),
        },
    )


@require_POST
def follow_up_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """A desa reports progress on a follow-up it owns: a status and a note, kept in history."""
    item = get_object_or_404(FollowUp.objects.select_related("desa"), pk=pk)
    region_for_user_or_404(request, item.desa_id)
    require_role(request, item.desa_id, Role.DESA, Role.KECAMATAN, Role.KABUPATEN)
    status = request.POST.get("status", "")
    note = request.POST.get("note", "")[:2000]
    if status not in dict(PROGRESS):
        messages.error(request, _("Status tidak dikenal."))
    elif not note.strip():
        messages.error(request, _("Tuliskan kemajuannya dalam catatan."))
    else:
        apply_change(
            request,
            lambda: change_status(
                follow_up=item, status=status, note=note, by=request.user.get_username()
            ),
            region_code=item.desa_id,
            summary=lambda: f"tindak lanjut #{item.pk}: kemajuan {status}",
            done=_("Kemajuan dicatat."),
        )
    return redirect(reverse("desa-follow-ups", args=[item.desa_id]) + f"#tl-{item.pk}")


@never_cache
def inbox(request: HttpRequest) -> HttpResponse:
    notices.refresh_for(request.user)
    if request.method == "POST":
        notices.mark_read(request.user)
        return redirect("inbox")
    return render(request, "cycle/inbox.html", {"items": notices.latest(request.user)})


def open_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notice to its page, marking it read; another user's notice is 404."""
    notice = get_object_or_404(Notice, pk=pk, user_id=request.user.pk)
    if notice.read_at is None:
        notices.mark_read(request.user, notice.pk)
    return redirect(notice.href)
