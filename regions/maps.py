"""Server-side SVG maps: real polygons when imported, otherwise a tile grid.

A map is plain data (shapes with a path or a square, a label and a link) that the template
`regions/_map.html` draws, so pages and printed reports use the same SVG.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from regions.models import Boundary, Region


@dataclass(frozen=True, slots=True)
class MapShape:
    code: str
    name: str
    href: str
    path: str  # SVG path data, already in the map's coordinates
    label_x: float
    label_y: float
    css_class: str = ""
    title: str = ""
    show_label: bool = True


@dataclass(frozen=True, slots=True)
class RegionMap:
    kind: str  # "polygons" or "grid"
    view_box: str
    shapes: list[MapShape]
    x_scale: float  # horizontal scale applied to polygon paths (cos of latitude)
    font_size: float
    missing: int  # regions drawn without a polygon
    label_chars: int = 14  # tile labels are cut to this many characters

    @property
    def pattern_size(self) -> str:
        """Side of the status hatching patterns, in the drawing's units (about 7 px)."""
        return _fmt(self.font_size * 0.55)

    @property
    def pattern_stroke(self) -> str:
        return _fmt(self.font_size * 0.14)


def _fmt(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def tile_grid(regions: Sequence[Region], href: dict[str, str]) -> RegionMap:
    """One square per region in code order: a map that is always there."""
    count = max(len(regions), 1)
    columns = max(1, min(6, math.ceil(math.sqrt(count))))
    rows = math.ceil(count / columns)
    cell, gap = 100.0, 4.0
    shapes = []
    for index, region in enumerate(regions):
        x = (index % columns) * (cell + gap)
        y = (index // columns) * (cell + gap)
        shapes.append(
            MapShape(
                code=region.code,
                name=region.name,
                href=href[region.code],
                path=f"M{x:g} {y:g}h{cell:g}v{cell:g}h-{cell:g}Z",
                label_x=x + cell / 2,
                label_y=y + cell / 2,
            )
        )
    width = columns * (cell + gap) - gap
    height = rows * (cell + gap) - gap
    # At least 12 px on a 360 px phone (a 26th of the drawing's width), the label cut to
    # what fits in its tile.
    font_size = max(13.0, width / 26)
    return RegionMap(
        kind="grid",
        view_box=f"0 0 {width:g} {height:g}",
        shapes=shapes,
        x_scale=1.0,
        font_size=font_size,
        label_chars=max(6, int(cell / (font_size * 0.6))),
        missing=len(regions),
    )


def region_map(regions: Sequence[Region], href: dict[str, str]) -> RegionMap:
    """Polygons for the regions that have one; a tile grid when none has."""
    if not regions:
        return tile_grid(regions, href)
    boundaries = {
        b.region_id: b for b in Boundary.objects.filter(region_id__in=[r.code for r in regions])
    }
    if not boundaries:
        return tile_grid(regions, href)
    min_x = min(b.min_x for b in boundaries.values())
    min_y = min(b.min_y for b in boundaries.values())
    max_x = max(b.max_x for b in boundaries.values())
    max_y = max(b.max_y for b in boundaries.values())
    # Equirectangular projection: shrink longitudes by cos(latitude) so shapes look right.
    x_scale = math.cos(math.radians(-(min_y + max_y) / 2))
    width = max((max_x - min_x) * x_scale, 1e-6)
    height = max(max_y - min_y, 1e-6)
    pad = max(width, height) * 0.02
    # A 32nd of the drawing was 10 px on a 360 px phone; a 26th keeps labels at 12 px.
    font_size = max(width, height) / 26
    shapes = []
    for r in regions:
        b = boundaries.get(r.code)
        if b is None:
            continue
        # Label a shape only where the name fits inside it; the rest keep a tooltip and the
        # list beside the map, so small neighbours are never buried under overlapping text.
        fits = (b.max_x - b.min_x) * x_scale >= len(r.name) * font_size * 0.55 and (
            b.max_y - b.min_y
        ) >= font_size * 1.2
        shapes.append(
            MapShape(
                code=r.code,
                name=r.name,
                href=href[r.code],
                path=b.svg_path,
                label_x=b.label_x * x_scale,
                label_y=b.label_y,
                show_label=fits,
            )
        )
    view_box = " ".join(
        _fmt(v) for v in (min_x * x_scale - pad, min_y - pad, width + 2 * pad, height + 2 * pad)
    )
    return RegionMap(
        kind="polygons",
        view_box=view_box,
        shapes=shapes,
        x_scale=x_scale,
        font_size=font_size,
        missing=len(regions) - len(shapes),
    )
