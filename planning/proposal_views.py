"""Usulan Musrenbang pages: the camat's list, the berita acara, the kabupaten's decisions,
the desa's view of its proposals' fate.

Views parse, check access (accounts.scoping: 404 outside the scope or without the role),
call planning/proposals.py and render. Every write is audited; a refused write changes
nothing and says why.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import audit
from accounts.models import Action, Role
from accounts.scoping import region_for_user_or_404, require_role, scope_of
from analytics.formatting import number, rupiah
from planning.activities import Opd
from planning.feedback import apply_change
from planning.followups import FollowUp, Owner, Status
from planning.forms import DecisionForm, ProposalForm
from planning.minutes import minutes_pdf
from planning.proposal_export import sipd_table
from planning.proposals import (
    Proposal,
    ProposalChange,
    ProposalStatus,
    change_status,
    create_proposal,
    initial_from_follow_up,
    of_kecamatan,
    rank,
)
from planning.tables import export
from planning.views import _can_write, default_year, region_at
from regions.models import Level, Region


def plan_year(request: HttpRequest) -> int:
    """`?tahun=`: the plan year (default: next year, the RKPD the Musrenbang prepares)."""
    raw = request.GET.get("tahun", "").strip()
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return default_year() + 2


def _add(request: HttpRequest, kecamatan: Region, year: int) -> ProposalForm | None:
    form = ProposalForm(request.POST, kecamatan=kecamatan)
    if not form.is_valid():
        return form
    try:
        proposal = create_proposal(by=request.user.get_username(), source="", **form.cleaned_data)
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
        return form
    audit.record(
        Action.EDIT,
        request=request,
        region_code=proposal.desa_id,
        summary=f"usulan #{proposal.pk} dibuat ({proposal.year})",
    )
    messages.success(request, _("Usulan disimpan."))
    return None


def _rank(request: HttpRequest, items: list[Proposal], kecamatan: Region) -> None:
    order: dict[int, int] = {}
    for item in items:
        raw = request.POST.get(f"prioritas-{item.pk}", "").strip()
        if raw.isdigit() and 0 < int(raw) < 1000:
            order[item.pk] = int(raw)
    changed = rank(proposals=items, order=order)
    audit.record(
        Action.EDIT,
        request=request,
        region_code=kecamatan.code,
        summary=f"urutan prioritas usulan: {changed} diubah",
    )
    messages.success(request, _("Urutan prioritas disimpan."))


def _agree(request: HttpRequest, items: list[Proposal], kecamatan: Region) -> None:
    chosen = set(request.POST.getlist("pilih"))
    done = 0
    for item in items:
        if str(item.pk) not in chosen or item.status != ProposalStatus.PROPOSED:
            continue
        change_status(proposal=item, status=ProposalStatus.AGREED, by=request.user.get_username())
        audit.record(
            Action.EDIT,
            request=request,
            region_code=item.desa_id,
            summary=f"usulan #{item.pk}: disepakati",
        )
        done += 1
    if done:
        messages.success(request, _("%(n)s usulan disepakati.") % {"n": done})
    else:
        messages.error(request, _("Pilih usulan berstatus diusulkan yang disepakati."))


@require_http_methods(["GET", "POST"])
def kecamatan_proposals(request: HttpRequest, code: str) -> HttpResponse:
    kecamatan = region_at(request, code, Level.KECAMATAN)
    year = plan_year(request)
    writable = _can_write(request, code)
    items = list(of_kecamatan(code, year).select_related("indicator__sector"))
    form = ProposalForm(kecamatan=kecamatan, initial={"year": year, "evidence_year": year - 2})
    if request.method == "POST":
        if not writable:
            require_role(request, code, Role.KECAMATAN, Role.KABUPATEN)
        action = request.POST.get("aksi", "")
        if action == "tambah":
            failed = _add(request, kecamatan, year)
            if failed is not None:
                form = failed
            else:
                return redirect(reverse("proposals", args=[code]) + f"?tahun={year}")
        elif action == "urutkan":
            _rank(request, items, kecamatan)
            return redirect(reverse("proposals", args=[code]) + f"?tahun={year}")
        elif action == "sepakati":
            _agree(request, items, kecamatan)
            return redirect(reverse("proposals", args=[code]) + f"?tahun={year}")
        else:
            messages.error(request, _("Tindakan tidak dikenal."))
    response = export(
        [sipd_table(items, {code: kecamatan.name})],
        f"usulan-musrenbang-{code}-{year}",
        request.GET.get("format", ""),
    )
    if response is not None:
        return response
    source = request.GET.get("dari", "")
    if source.isdigit() and request.method == "GET":
        follow_up = FollowUp.objects.under(code).filter(pk=int(source)).first()
        if follow_up is not None:
            form = ProposalForm(
                kecamatan=kecamatan, initial=initial_from_follow_up(follow_up, year - 2)
            )
    taken = set(Proposal.objects.filter(year=year).values_list("follow_up_id", flat=True))
    escalated = [
        f
        for f in FollowUp.objects.under(code)
        .filter(owner=Owner.OPD)
        .exclude(status=Status.DROPPED)
        .select_related("desa", "indicator")
        if f.pk not in taken
    ]
    return render(
        request,
        "planning/proposals.html",
        {
            "region": kecamatan,
            "year": year,
            "items": [(p, number(float(p.volume), 0), rupiah(p.cost_rp)) for p in items],
            "total": rupiah(sum(p.cost_rp for p in items)),
            "form": form,
            "writable": writable,
            "escalated": escalated,
            "desa": Region.objects.children_of(code).filter(level=Level.DESA).order_by("code"),
        },
        status=400 if request.method == "POST" else 200,
    )


def minutes(request: HttpRequest, code: str) -> HttpResponse:
    kecamatan = region_at(request, code, Level.KECAMATAN)
    year = plan_year(request)
    audit.record(
        Action.EXPORT,
        request=request,
        region_code=code,
        summary=f"berita acara Musrenbang {year}",
    )
    response = HttpResponse(minutes_pdf(kecamatan, year), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="berita-acara-{code}-{year}.pdf"'
    return response


def kabupaten_proposals(request: HttpRequest, code: str) -> HttpResponse:
    kabupaten = region_at(request, code, Level.KABUPATEN)
    year = plan_year(request)
    held = scope_of(request.user).roles_at(code)
    deciding = bool(held & {Role.ADMIN, Role.KABUPATEN})
    items = list(
        Proposal.objects.filter(desa__parent__parent_id=code, year=year)
        .exclude(status=ProposalStatus.PROPOSED)
        .select_related("desa", "indicator__sector")
        .order_by("opd", "desa__parent_id", "priority", "pk")
    )
    names = dict(
        Region.objects.filter(parent_id=code, level=Level.KECAMATAN).values_list("code", "name")
    )
    response = export(
        [sipd_table(items, names)], f"usulan-opd-{code}-{year}", request.GET.get("format", "")
    )
    if response is not None:
        return response
    groups: dict[str, list[tuple[Proposal, str]]] = {}
    for item in items:
        groups.setdefault(item.opd, []).append((item, rupiah(item.cost_rp)))
    return render(
        request,
        "planning/kabupaten_proposals.html",
        {
            "region": kabupaten,
            "year": year,
            "groups": [(Opd(opd).label, rows) for opd, rows in groups.items()],
            "names": names,
            "deciding": deciding,
            "decision_form": DecisionForm(initial={"year": year}),
        },
    )


@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal.objects.select_related("desa"), pk=pk)
    region_for_user_or_404(request, proposal.desa_id)
    require_role(request, proposal.desa_id, Role.KABUPATEN)
    kabupaten = proposal.desa_id[:5]
    form = DecisionForm(request.POST)
    if form.is_valid():
        apply_change(
            request,
            lambda: change_status(
                proposal=proposal,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"] or "",
                year=form.cleaned_data["year"],
                by=request.user.get_username(),
            ),
            region_code=proposal.desa_id,
            summary=lambda: f"usulan #{proposal.pk}: {proposal.status}",
            done=_("Keputusan OPD dicatat."),
        )
    else:
        messages.error(request, _("Keputusan tidak dikenal."))
    return redirect(
        reverse("kabupaten-proposals", args=[kabupaten]) + f"?tahun={proposal.year}#u-{pk}"
    )


def desa_proposals(request: HttpRequest, code: str) -> HttpResponse:
    desa = region_at(request, code, Level.DESA)
    items = list(
        Proposal.objects.filter(desa=desa)
        .select_related("indicator")
        .prefetch_related(Prefetch("changes", queryset=ProposalChange.objects.order_by("at", "pk")))
        .order_by("-year", "priority", "pk")
    )
    return render(
        request,
        "planning/desa_proposals.html",
        {"region": desa, "items": [(p, rupiah(p.cost_rp)) for p in items]},
    )
