"""Polygons from GeoJSON → repaired, simplified, and written as SVG path data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

# Simplification tolerance in degrees per level (1° ≈ 111 km): fine enough to recognise a
# desa on a phone, coarse enough to keep a kecamatan page small.
TOLERANCE = {1: 0.04, 2: 0.01, 3: 0.001, 4: 0.0002}
DECIMALS = {1: 2, 2: 3, 3: 4, 4: 5}


class GeometryError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class WebShape:
    svg_path: str
    min_x: float
    min_y: float
    max_x: float
    max_y: float
    label_x: float
    label_y: float
    repaired: bool


def parse_polygonal(geojson_geometry: Any) -> BaseGeometry:
    """A shapely geometry from a GeoJSON geometry object, or GeometryError saying why not."""
    if not isinstance(geojson_geometry, dict) or "type" not in geojson_geometry:
        raise GeometryError("geometri kosong atau bukan objek GeoJSON / missing geometry")
    if geojson_geometry["type"] not in ("Polygon", "MultiPolygon"):
        raise GeometryError(
            f"jenis geometri {geojson_geometry['type']!r} bukan poligon / not a polygon"
        )
    try:
        geometry = shape(geojson_geometry)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise GeometryError(f"koordinat rusak / malformed coordinates: {exc}") from None
    if geometry.is_empty:
        raise GeometryError("poligon kosong / empty polygon")
    return geometry


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, MultiPolygon):
        return list(geometry.geoms)
    # make_valid may return a GeometryCollection with stray lines or points: keep the areas.
    return [g for part in getattr(geometry, "geoms", []) for g in _polygons(part)]


def _ring_path(coords: Any, decimals: int) -> str:
    points = []
    previous = None
    for x, y in coords:
        point = (round(x, decimals), round(-y, decimals))
        if point != previous:
            points.append(point)
            previous = point
    if len(points) < 4:  # closed ring needs 3 distinct points plus the closing one
        return ""
    fmt = f"{{:.{decimals}f}}"
    body = "L".join(
        f"{fmt.format(x).rstrip('0').rstrip('.')} {fmt.format(y).rstrip('0').rstrip('.')}"
        for x, y in points[:-1]
    )
    return f"M{body}Z"


def to_web_shape(geometry: BaseGeometry, level: int) -> WebShape:
    repaired = False
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
        repaired = True
    polygons = [p for p in _polygons(geometry) if not p.is_empty and p.area > 0]
    if not polygons:
        raise GeometryError("tidak ada luasan setelah perbaikan / no area left after repair")
    full = MultiPolygon(polygons) if len(polygons) > 1 else polygons[0]
    simple = full.simplify(TOLERANCE[level], preserve_topology=True)
    if simple.is_empty:
        simple = full
    decimals = DECIMALS[level]
    parts: list[str] = []
    for polygon in _polygons(simple):
        for ring in (polygon.exterior, *polygon.interiors):
            path = _ring_path(ring.coords, decimals)
            if path:
                parts.append(path)
    if not parts:  # a sliver simplified away: keep the original rings
        for polygon in polygons:
            parts.append(_ring_path(polygon.exterior.coords, decimals + 2))
    min_x, min_y, max_x, max_y = full.bounds
    label = full.representative_point()
    return WebShape(
        svg_path="".join(parts),
        min_x=min_x,
        min_y=-max_y,
        max_x=max_x,
        max_y=-min_y,
        label_x=label.x,
        label_y=-label.y,
        repaired=repaired,
    )
