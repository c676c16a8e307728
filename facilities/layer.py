"""The facilities layer of the kecamatan map: one point per active facility with
coordinates, drawn in the map's own projection (server-side SVG, no script).

The layer is off by default and turned on with `?lapisan=fasilitas`. Polygon maps place
points by longitude and latitude; a tile map (no boundaries imported) has no geography,
so its facilities are only counted in the caption.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from catalog.models import DataElement
from facilities.models import ELEMENT_OF, Facility
from regions.maps import RegionMap

LAYER = "fasilitas"


def _n(x: float) -> str:
    return f"{x:.6f}".rstrip("0").rstrip(".")


@dataclass(frozen=True, slots=True)
class Point:
    x: str
    y: str
    r: str
    css: str
    title: str


@dataclass(frozen=True, slots=True)
class Layer:
    points: list[Point]
    not_drawn: int  # active facilities without coordinates (or on a tile map)
    sectors: list[str]  # the sectors drawn, for the legend


def facility_layer(region_map: RegionMap, desa_codes: Sequence[str]) -> Layer:
    sector_of = dict(
        DataElement.objects.filter(code__in=set(ELEMENT_OF.values())).values_list(
            "code", "sector__code"
        )
    )
    points: list[Point] = []
    not_drawn = 0
    radius = _n(region_map.font_size * 0.3)
    for f in Facility.objects.filter(desa_id__in=list(desa_codes), active=True).select_related(
        "desa"
    ):
        if region_map.kind != "polygons" or f.latitude is None or f.longitude is None:
            not_drawn += 1
            continue
        sector = sector_of.get(ELEMENT_OF[f.kind], "")
        points.append(
            Point(
                x=_n(f.longitude * region_map.x_scale),
                y=_n(-f.latitude),
                r=radius,
                css=f"fac-{sector}",
                title=f"{f.get_kind_display()} {f.name} ({f.desa.name})",
            )
        )
    return Layer(points, not_drawn, sorted({p.css for p in points}))
