"""Pages of the facilities register and the population profile of a desa."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import audit
from accounts.models import Action
from accounts.scoping import region_for_user_or_404, scope_of
from catalog.models import DataElement
from datavalues.models import How
from datavalues.writing import ValuesRejected, save_values
from facilities import population as pop
from facilities.forms import FacilityForm
from facilities.models import Facility, FacilityType
from facilities.register import save_facility, sectors_of_kinds
from regions.models import Level, Region


def _desa(request: HttpRequest, code: str) -> Region:
    region = region_for_user_or_404(request, code)
    if region.level != Level.DESA:
        raise Http404("not a desa")
    return region


def writable_kinds(request: HttpRequest, code: str) -> list[str]:
    """The facility kinds whose counts the user may write at desa `code`."""
    scope = scope_of(request.user)
    sectors = sectors_of_kinds()
    return [k for k in FacilityType.values if scope.may_write(code, sectors[k])]


def facility_list(request: HttpRequest, code: str) -> HttpResponse:
    region = _desa(request, code)
    facilities = list(Facility.objects.filter(desa=region))
    kinds = writable_kinds(request, code)
    by_kind = [
        (label, [f for f in facilities if f.kind == kind]) for kind, label in FacilityType.choices
    ]
    context = {
        "region": region,
        "by_kind": by_kind,
        "kinds": set(kinds),
        "may_add": bool(kinds),
        "active": sum(1 for f in facilities if f.active),
        "total": len(facilities),
    }
    return render(request, "facilities/list.html", context)


def _form_page(request: HttpRequest, region: Region, facility: Facility) -> HttpResponse:
    kinds = writable_kinds(request, region.code)
    if not kinds or (facility.pk is not None and facility.kind not in kinds):
        raise Http404("no write right for this facility")
    former = facility.kind if facility.pk is not None else None
    form = FacilityForm(request.POST or None, instance=facility, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save(commit=False)
            save_facility(saved, by=request.user, request=request, former_kind=former)
        except ValuesRejected as rejected:
            for error in rejected.errors:
                form.add_error(None, error.message)
        else:
            messages.success(request, _("Fasilitas disimpan; jumlah per jenis diperbarui."))
            return redirect("facility-list", region.code)
    context = {"region": region, "form": form, "facility": facility}
    return render(request, "facilities/form.html", context)


def facility_add(request: HttpRequest, code: str) -> HttpResponse:
    region = _desa(request, code)
    return _form_page(request, region, Facility(desa=region))


def facility_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    region = _desa(request, code)
    facility = get_object_or_404(Facility, pk=pk, desa=region)
    return _form_page(request, region, facility)


def population(request: HttpRequest, code: str) -> HttpResponse:
    region = _desa(request, code)
    reading = pop.read(code, _year(request.GET.get("tahun", "")))
    context = {
        "region": region,
        "years": reading.years,
        "profile": reading.profile,
        "pyramid": pop.pyramid(reading.profile) if reading.profile else None,
        "targets": reading.targets,
        "disagreements": reading.disagreements,
        "tolerance": round(pop.TOLERANCE * 100),
        "may_save_targets": scope_of(request.user).may_write_any_sector(code),
    }
    return render(request, "facilities/population.html", context)


@require_POST
def save_targets(request: HttpRequest, code: str) -> HttpResponse:
    """Save the target populations derived from the profile, for the sectors the user
    may write (through the one write path, with history)."""
    region = _desa(request, code)
    scope = scope_of(request.user)
    sectors = dict(
        DataElement.objects.filter(code__in=list(pop.DERIVED)).values_list("code", "sector__code")
    )
    allowed = {c for c, sector in sectors.items() if scope.may_write(code, sector)}
    if not allowed:
        raise Http404("no write right for these targets")
    reading = pop.read(code, _year(request.POST.get("tahun", "")))
    values = pop.derived_inputs(code, reading, allowed)
    if not values:
        messages.error(request, _("Belum ada profil penduduk untuk diturunkan."))
        return redirect("population-profile", code)
    try:
        result = save_values(values=values, by=request.user, how=How.FORM, source=pop.SOURCE)
    except ValuesRejected as rejected:
        for error in rejected.errors:
            messages.error(request, error.message)
    else:
        audit.record(
            Action.EDIT,
            request=request,
            region_code=code,
            summary=f"Sasaran dari profil penduduk {reading.profile.year if reading.profile else ''}",
            detail={"codes": sorted(v.element for v in values)},
        )
        messages.success(
            request,
            _("Sasaran disimpan: %(n)s nilai berubah.") % {"n": result.created + result.updated},
        )
    return redirect(f"{reverse('population-profile', args=[region.code])}?tahun={values[0].period}")


def _year(text: str) -> int | None:
    return int(text) if text.isdigit() else None
