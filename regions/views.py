from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format

from accounts.scoping import browsable_region_or_404, scope_of
from regions.crosswalk import former_matching
from regions.maps import region_map
from regions.models import Level, Region, RegionCodeChange

SEARCH_LIMIT = 50

# The dashboard of a region, by level (dashboard/urls.py); 0 is Indonesia.
DASHBOARDS = {
    0: "dashboard-national",
    Level.PROVINSI: "dashboard-province",
    Level.KABUPATEN: "dashboard-kabupaten",
    Level.KECAMATAN: "dashboard-kecamatan",
    Level.DESA: "dashboard-desa",
}


def _descendant_counts(region: Region | None, request: HttpRequest) -> list[tuple[str, str]]:
    # Current regions: a retired code is listed under its parent (marked) but not counted.
    rows = (
        (Region.objects.all() if region is None else region.descendants())
        .current()
        .for_user(request.user)
    )
    counts = dict(rows.order_by().values_list("level").annotate(n=Count("code")))
    return [
        (str(label), number_format(counts[level], force_grouping=True))
        for level, label in Level.choices
        if counts.get(level)
    ]


def _successors(region: Region, request: HttpRequest) -> list[tuple[Region, str | None]]:
    """The regions that carry a retired code today (the crosswalk), each with a link when
    the user may open it."""
    entries = list(region.successors().select_related("region"))
    shown = set(
        Region.objects.for_user(request.user, with_ancestors=True)
        .filter(code__in=[e.region_id for e in entries])
        .values_list("code", flat=True)
    )
    return [
        (e.region, reverse("region-detail", args=[e.region_id]) if e.region_id in shown else None)
        for e in entries
    ]


def region_detail(request: HttpRequest, code: str | None = None) -> HttpResponse:
    # Outside the user's scope: 404. Above it (the way down to it): only the path is listed.
    if code:
        region, in_scope = browsable_region_or_404(request, code)
    else:
        region, in_scope = None, scope_of(request.user).national
    ancestors = region.ancestors() if region else []
    children = list(
        Region.objects.children_of(code)
        .for_user(request.user, with_ancestors=True)
        .order_by("code")
    )
    if children and children[0].level < Level.DESA:
        # One grouped query on the parent index; a JOIN + GROUP BY over the whole table costs
        # PostgreSQL ~10 ms per page.
        grandchildren = dict(
            Region.objects.current()
            .filter(parent_id__in=[c.code for c in children])
            .order_by()
            .values_list("parent_id")
            .annotate(n=Count("code"))
        )
        for child in children:
            child.child_count = grandchildren.get(child.code, 0)  # type: ignore[attr-defined]
    href = {child.code: reverse("region-detail", args=[child.code]) for child in children}
    shown = children if children else ([region] if region else [])
    if region and not children:
        href[region.code] = reverse("region-detail", args=[region.code])
    return render(
        request,
        "regions/region_detail.html",
        {
            "region": region,
            "ancestors": ancestors,
            "children": children,
            "former_codes": list(region.former_codes.order_by("old_code")) if region else [],
            "successors": _successors(region, request) if region and region.is_retired else [],
            "counts": _descendant_counts(region, request),
            "map": region_map(shown, href) if shown else None,
            # Data pages only for a region in scope; an ancestor is just the way down.
            "dashboard_href": (
                reverse(DASHBOARDS[region.level], args=[region.code])
                if region
                else reverse(DASHBOARDS[0])
            )
            if in_scope
            else None,
        },
    )


def region_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    results: list[Region] = []
    former: list[RegionCodeChange] = []
    if query:
        results = list(
            Region.objects.search(query)
            .for_user(request.user)
            .select_related("parent")[: SEARCH_LIMIT + 1]
        )
        # Codes and names of earlier editions (the crosswalk), for regions in scope.
        former = list(
            former_matching(query)
            .filter(region__in=Region.objects.for_user(request.user))
            .select_related("region")
            .order_by("old_code")[:SEARCH_LIMIT]
        )
    return render(
        request,
        "regions/region_search.html",
        {
            "query": query,
            "results": results[:SEARCH_LIMIT],
            "former": former,
            "truncated": len(results) > SEARCH_LIMIT,
        },
    )
