"""Local targets pages: a kabupaten/kota (or a province) lists, adds, changes and ends the
targets of its own RPJMD.

Parse, check access (accounts.scoping: the kabupaten role, or an administrator, at the
region; anyone else gets 404 like the other kabupaten pages), change through the form and
RegionTarget.clean, audit each change in its transaction (planning/feedback.py), render. A
refused change writes nothing and says why, in the user's language.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from accounts.scoping import region_for_user_or_404, require_role
from analytics.formatting import target_text
from catalog.models import RegionTarget
from planning.feedback import apply_change
from planning.forms import RegionTargetForm
from planning.views import region_at
from regions.models import Level, Region

LIST_URLS = {Level.PROVINSI: "province-local-targets", Level.KABUPATEN: "local-targets"}


def _region(request: HttpRequest, code: str, level: int) -> Region:
    region = region_at(request, code, level)
    require_role(request, code, Role.KABUPATEN)
    return region


def _list_url(region_code: str) -> str:
    level = Level.PROVINSI if "." not in region_code else Level.KABUPATEN
    return reverse(LIST_URLS[level], args=[region_code])


def _summary(target: RegionTarget, verb: str) -> str:
    return (
        f"target daerah {verb}: {target.region_id} {target.indicator.code} "
        f"{target.value:g} ({target.years}) {target.basis}"
    )


def _save(request: HttpRequest, form: RegionTargetForm, verb: str, done: str) -> bool:
    """Validate and save the form and audit it, all in one transaction; False (nothing
    written, errors on the form) when refused."""
    if not form.is_valid():
        return False
    with transaction.atomic():
        return apply_change(
            request,
            form.save,
            region_code=form.instance.region_id,
            summary=lambda: _summary(form.instance, verb),
            done=done,
        )


def _rows(region: Region) -> list[tuple[RegionTarget, str, bool]]:
    year = timezone.localdate().year
    targets = RegionTarget.objects.filter(region=region).select_related("indicator")
    return [
        (
            t,
            target_text(t.indicator, t.value),
            not t.is_ended and t.valid_from <= year <= t.valid_to,
        )
        for t in targets.order_by("indicator__sector__order", "indicator__order", "valid_from")
    ]


def _targets_page(request: HttpRequest, region: Region) -> HttpResponse:
    form = RegionTargetForm(
        request.POST if request.method == "POST" else None,
        instance=RegionTarget(region=region, created_by=request.user.get_username()),
    )
    if request.method == "POST" and _save(
        request, form, "ditetapkan", _("Target daerah disimpan.")
    ):
        return redirect(_list_url(region.code))
    return render(
        request,
        "planning/local_targets.html",
        {
            "region": region,
            "province": region.level == Level.PROVINSI,
            "rows": _rows(region),
            "form": form,
            "year": timezone.localdate().year,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def kabupaten_targets(request: HttpRequest, code: str) -> HttpResponse:
    return _targets_page(request, _region(request, code, Level.KABUPATEN))


@require_http_methods(["GET", "POST"])
def province_targets(request: HttpRequest, code: str) -> HttpResponse:
    return _targets_page(request, _region(request, code, Level.PROVINSI))


def _target_or_404(request: HttpRequest, pk: int) -> RegionTarget:
    target = get_object_or_404(RegionTarget.objects.select_related("indicator", "region"), pk=pk)
    region_for_user_or_404(request, target.region_id)
    require_role(request, target.region_id, Role.KABUPATEN)
    return target


@require_http_methods(["GET", "POST"])
def edit_target(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target_or_404(request, pk)
    if target.is_ended:
        messages.error(request, _("Target yang sudah diakhiri tidak dapat diubah."))
        return redirect(_list_url(target.region_id))
    target.changed_by = request.user.get_username()
    target.changed_at = timezone.now()
    form = RegionTargetForm(request.POST if request.method == "POST" else None, instance=target)
    if request.method == "POST" and _save(request, form, "diubah", _("Target daerah diubah.")):
        return redirect(_list_url(target.region_id))
    return render(
        request,
        "planning/local_target_edit.html",
        {"region": target.region, "target": target, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
def end_target(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target_or_404(request, pk)
    if target.is_ended:
        messages.error(request, _("Target ini sudah diakhiri."))
        return redirect(_list_url(target.region_id))

    def end() -> None:
        target.ended_by = request.user.get_username()
        target.ended_at = timezone.now()
        target.save(update_fields=["ended_by", "ended_at"])

    with transaction.atomic():
        apply_change(
            request,
            end,
            region_code=target.region_id,
            summary=lambda: _summary(target, "diakhiri"),
            done=_("Target daerah diakhiri; berlaku lagi target provinsi atau nasional."),
        )
    return redirect(_list_url(target.region_id))
