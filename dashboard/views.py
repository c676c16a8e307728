"""Dashboard pages: parse, check access (accounts.scoping), assemble (dashboard.pages), render.

A page asked for by htmx (a filter changed) gets only its body; everything else — a first
visit, a shared link, the back button after htmx's history cache is gone — gets the whole
page, so the pages work the same without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django_htmx.http import push_url

from accounts.scoping import landing_region_code, region_for_user_or_404, scope_of
from dashboard.budget import budget_page
from dashboard.indicator_pages import catalogue_page, indicator_page
from dashboard.pages import area_page, desa_page
from datavalues.sample import sample_data_under
from regions.models import Level, Region


def _render(request: HttpRequest, page: str, context: dict[str, Any]) -> HttpResponse:
    htmx = getattr(request, "htmx", None)
    fragment = bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]
    template = f"dashboard/_{page}_body.html" if fragment else f"dashboard/{page}.html"
    response = render(request, template, context)
    filters = context.get("filters")
    if fragment and filters is not None:
        # Push the filters as resolved (a sector change replaces the indicator of the old
        # sector), so the address bar, a shared link and the back button show this page.
        response = push_url(response, request.path + filters.query())
    # The same URL answers with a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


DASHBOARD_OF_LEVEL = {
    Level.PROVINSI: "dashboard-province",
    Level.KABUPATEN: "dashboard-kabupaten",
    Level.KECAMATAN: "dashboard-kecamatan",
    Level.DESA: "dashboard-desa",
}


def home(request: HttpRequest) -> HttpResponse:
    """The front door: straight to the dashboard a user works on.

    One region (a camat, a desa operator, a kabupaten planner): its dashboard. A national
    user on a demo installation: the kecamatan that holds the sample data, so a newcomer sees
    a meaningful page at once; with real data, the national dashboard. Several regions: the
    region list, which offers exactly those.
    """
    code = landing_region_code(request.user)
    if code is not None:
        return redirect(DASHBOARD_OF_LEVEL[Level(code.count(".") + 1)], code)
    if scope_of(request.user).national:
        sample = sample_data_under(None)
        if sample is not None:
            return redirect("dashboard-kecamatan", sample.rsplit(".", 1)[0])
        return redirect("dashboard-national")
    return redirect("region-root")


def _region_at(request: HttpRequest, code: str, level: int) -> Region:
    region = region_for_user_or_404(request, code)
    if region.level != level:
        raise Http404("no region of this level with this code")
    return region


def national(request: HttpRequest) -> HttpResponse:
    if not scope_of(request.user).national:
        raise Http404("national figures need a national scope")
    return _render(request, "area", area_page(user=request.user, region=None, params=request.GET))


def province(request: HttpRequest, code: str) -> HttpResponse:
    region = _region_at(request, code, Level.PROVINSI)
    return _render(request, "area", area_page(user=request.user, region=region, params=request.GET))


def kabupaten(request: HttpRequest, code: str) -> HttpResponse:
    region = _region_at(request, code, Level.KABUPATEN)
    return _render(request, "area", area_page(user=request.user, region=region, params=request.GET))


def kecamatan(request: HttpRequest, code: str) -> HttpResponse:
    region = _region_at(request, code, Level.KECAMATAN)
    return _render(request, "area", area_page(user=request.user, region=region, params=request.GET))


def desa(request: HttpRequest, code: str) -> HttpResponse:
    region = _region_at(request, code, Level.DESA)
    return _render(request, "desa", desa_page(user=request.user, region=region, params=request.GET))


def budget_alignment(request: HttpRequest, code: str) -> HttpResponse:
    region = _region_at(request, code, Level.KECAMATAN)
    context = budget_page(user=request.user, region=region, params=request.GET)
    return _render(request, "budget", context)


def indicator_catalogue(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/indicators.html", catalogue_page(request.user))


def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "dashboard/indicator.html", indicator_page(code, request.user))
