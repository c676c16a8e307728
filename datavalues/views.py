"""Pages of the values workflow: approval of a desa's period, and the entry form."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts import audit
from accounts.models import Action
from accounts.scoping import region_for_user_or_404, scope_of
from catalog.periods import BadPeriod, parse_period
from datavalues import approval, review
from regions.models import Level


@never_cache
def approval_page(request: HttpRequest, code: str, period: str) -> HttpResponse:
    region = region_for_user_or_404(request, code)
    if region.level != Level.DESA:
        raise Http404("approval is per desa")
    try:
        period = parse_period(period).code
    except BadPeriod:
        raise Http404("no such period") from None
    if request.method == "POST":
        if not review.allowed(request.user, region.code, request.POST.get("action", "")):
            raise Http404("this role may not decide on this period")
        try:
            approval.step(
                region=region,
                period=period,
                action=request.POST.get("action", ""),
                by=request.user,
                comment=request.POST.get("comment", "")[:2000],
            )
        except approval.Refused as refused:
            messages.error(request, str(refused))
        else:
            audit.record(
                Action.APPROVAL,
                request=request,
                region_code=region.code,
                summary=f"{request.POST.get('action', '')} {period}",
            )
            messages.success(request, _("Tersimpan."))
        if request.POST.get("next") == "queue":
            return redirect("approval-queue")
        return redirect("approval", code=region.code, period=period)
    record = approval.PeriodApproval.objects.filter(region=region, period__code=period).first()
    state = record.state if record else approval.State.DRAFT
    actions = [
        name
        for name, (starts, _result, _roles) in approval.STEPS.items()
        if state in starts and approval.may_step(request.user, region.code, name)
    ]
    return render(
        request,
        "datavalues/approval.html",
        {
            "region": region,
            "period": period,
            "state": approval.State(state),
            "record": record,
            "steps": record.steps.select_related("by") if record else [],
            "actions": actions,
            "review": review.review(region=region, period=period),
            "sector_limited": scope_of(request.user).sectors_at(region.code) is not None,
        },
    )


@never_cache
def entry_page(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """The data-entry form of one desa, period and sector (`?sektor=`)."""
    from catalog.models import Sector
    from datavalues import entry

    region = region_for_user_or_404(request, code)
    scope = scope_of(request.user)
    if region.level != Level.DESA:
        raise Http404("entry is for writers of a desa")
    try:
        period = parse_period(period).code
    except BadPeriod:
        raise Http404("no such period") from None
    # Only the sectors the user may write here: a sector-limited role sees no other.
    sectors = [s for s in Sector.objects.order_by("order") if scope.may_write(code, s.code)]
    if not sectors:
        raise Http404("entry is for writers of a desa")
    sector = request.GET.get("sektor") or sectors[0].code
    if sector not in {s.code for s in sectors}:
        raise Http404("sector outside the user's write scope")
    outcome = None
    if request.method == "POST":
        outcome, fields = entry.save_entry(
            region=region,
            period=period,
            sector=sector,
            data={k: str(v) for k, v in request.POST.items()},
            by=request.user,
            accept_warnings=bool(request.POST.get("accept")),
        )
        if not outcome.refused:
            if outcome.saved or outcome.cleared:
                summary = f"isian {sector} {period}: {outcome.saved} nilai"
                if outcome.cleared:
                    summary += f", {outcome.cleared} dikosongkan"
                audit.record(Action.EDIT, request=request, region_code=region.code, summary=summary)
            messages.success(request, _("Tersimpan: %(n)d nilai.") % {"n": outcome.saved})
            if outcome.cleared:
                messages.success(request, _("Dikosongkan: %(n)d nilai.") % {"n": outcome.cleared})
            return redirect(f"{request.path}?sektor={sector}")
    else:
        fields = entry.fields_for(region=region, period=period, sector=sector)
    return render(
        request,
        "datavalues/entry.html",
        {
            "region": region,
            "period": period,
            "sector": sector,
            "sectors": sectors,
            "fields": fields,
            "outcome": outcome,
            "has_warnings": any(f.warnings for f in fields),
            "locked": review.approved_covering(region, period),
        },
    )


@never_cache
def completeness_page(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """Expected vs received values and lateness per desa and sector of a kecamatan."""
    from datavalues.completeness import completeness

    region = region_for_user_or_404(request, code)
    if region.level == Level.KABUPATEN:
        return redirect("kabupaten-completeness", code, period)
    if region.level != Level.KECAMATAN:
        raise Http404("completeness is shown per kecamatan")
    try:
        period = parse_period(period).code
    except BadPeriod:
        raise Http404("no such period") from None
    sectors, rows, due = completeness(
        kecamatan=region, period=period, sectors_allowed=scope_of(request.user).sectors_at(code)
    )
    table = [(row.desa, [row.cells[s.code] for s in sectors]) for row in rows]
    return render(
        request,
        "datavalues/completeness.html",
        {"region": region, "period": period, "sectors": sectors, "table": table, "due": due},
    )


@never_cache
def history_page(request: HttpRequest, code: str, element: str) -> HttpResponse:
    """The history of a desa's data element (or of the elements of an indicator), for
    every reader of the desa; a sector-limited role sees only its sectors' elements.
    `?periode=` narrows it to one period."""
    from catalog.models import DataElement, Indicator
    from datavalues.history import history_of

    region = region_for_user_or_404(request, code)
    if region.level != Level.DESA:
        raise Http404("history is per desa")
    period = request.GET.get("periode", "").strip()
    if period:
        try:
            period = parse_period(period).code
        except BadPeriod:
            raise Http404("no such period") from None
    elements = list(DataElement.objects.filter(code=element).select_related("sector"))
    indicator = None
    if not elements:
        indicator = Indicator.objects.filter(code=element).first()
        if indicator is None:
            raise Http404("no such data element or indicator")
        elements = list(
            DataElement.objects.filter(code__in=indicator.element_codes())
            .select_related("sector")
            .order_by("code")
        )
    scope = scope_of(request.user)
    sectors = scope.sectors_at(region.code)
    if sectors is not None:
        elements = [e for e in elements if e.sector.code in sectors]
    if not elements:
        raise Http404("outside the user's sectors")
    blocks = history_of(region=region, elements=elements, period=period)
    return render(
        request,
        "datavalues/history.html",
        {
            "region": region,
            "code": element,
            "indicator": indicator,
            "period": period,
            "blocks": [(b, scope.may_write(region.code, b.element.sector.code)) for b in blocks],
        },
    )
