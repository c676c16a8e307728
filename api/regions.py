"""Regions in the caller's scope."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from accounts.scoping import region_for_user_or_404
from regions.models import Region

router = Router(tags=["wilayah"])

SEARCH_LIMIT = 50


class RegionOut(Schema):
    code: str
    name: str
    level: int
    kind: str
    parent: str | None
    # The edition of the master list that no longer has this code ("" while current); its
    # successor, if recorded, is on the region page (regions.RegionCodeChange).
    retired_in: str = ""


class RegionDetailOut(RegionOut):
    children: list[RegionOut]


class ErrorOut(Schema):
    detail: str


def _out(region: Region) -> RegionOut:
    return RegionOut(
        code=region.code,
        name=region.name,
        level=region.level,
        kind=region.kind,
        parent=region.parent_id,
        retired_in=region.retired_in,
    )


@router.get("/regions", response={200: list[RegionOut]}, summary="Cari wilayah dalam cakupan")
def region_search(request: HttpRequest, q: str = "") -> list[RegionOut]:
    text = q.strip()[:100]
    if not text:
        return []
    rows = Region.objects.search(text).for_user(request.user)[:SEARCH_LIMIT]
    return [_out(r) for r in rows]


@router.get(
    "/regions/{code}",
    response={200: RegionDetailOut, 404: ErrorOut},
    summary="Satu wilayah dan wilayah di bawahnya",
)
def region_detail(request: HttpRequest, code: str) -> RegionDetailOut:
    region = region_for_user_or_404(request, code)
    children = Region.objects.children_of(region.code).order_by("code")
    return RegionDetailOut(**_out(region).dict(), children=[_out(c) for c in children])
