"""Attaching polygons from a GeoJSON file to regions, all or nothing."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from regions.geometry import GeometryError, parse_polygonal, to_web_shape
from regions.models import Boundary, Level, Region, level_of

LEVEL_NAMES = {
    "provinsi": Level.PROVINSI,
    "kabupaten": Level.KABUPATEN,
    "kabupaten_kota": Level.KABUPATEN,
    "kecamatan": Level.KECAMATAN,
    "desa": Level.DESA,
    "desa_kelurahan": Level.DESA,
}


class BoundaryFileError(ValueError):
    """The file cannot be imported at all; the message is in Indonesian, then English."""


@dataclass
class BoundaryImportResult:
    level: int
    features: int = 0
    matched: int = 0
    repaired: int = 0
    unknown_codes: list[str] = field(default_factory=list)
    skipped_other_level: int = 0
    regions_without_polygon: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "features": self.features,
            "matched": self.matched,
            "repaired": self.repaired,
            "unknown_codes": self.unknown_codes,
            "skipped_other_level": self.skipped_other_level,
            "regions_without_polygon": self.regions_without_polygon,
        }


def _read_features(path: Path) -> list[dict[str, Any]]:
    try:
        with path.open("rb") as handle:
            document = json.load(handle)
    except FileNotFoundError:
        raise BoundaryFileError(f"Berkas tidak ditemukan: {path} / file not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BoundaryFileError(
            f"Berkas bukan JSON yang sah ({exc}). / The file is not valid JSON."
        ) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise BoundaryFileError(
            "Berkas bukan GeoJSON FeatureCollection. / The file is not a GeoJSON FeatureCollection."
        )
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryFileError("GeoJSON tidak berisi fitur. / The GeoJSON has no features.")
    return features


def import_boundaries(
    path: Path, *, code_property: str = "kode", level: int | None = None, source: str = ""
) -> BoundaryImportResult:
    features = _read_features(path)
    coded: list[tuple[str, dict[str, Any]]] = []
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        code = properties.get(code_property) if isinstance(properties, dict) else None
        if code is None or str(code).strip() == "":
            raise BoundaryFileError(
                f"Fitur ke-{number} tidak punya properti '{code_property}'. "
                f"/ Feature {number} lacks the '{code_property}' property."
            )
        coded.append((str(code).strip(), feature))

    if level is None:
        level = Counter(level_of(code) for code, _ in coded).most_common(1)[0][0]
    result = BoundaryImportResult(level=level, features=len(coded))
    known = set(
        Region.objects.filter(code__in=[c for c, _ in coded], level=level).values_list(
            "code", flat=True
        )
    )
    boundaries: list[Boundary] = []
    seen: set[str] = set()
    for number, (code, feature) in enumerate(coded, start=1):
        if level_of(code) != level:
            result.skipped_other_level += 1
            continue
        if code not in known:
            result.unknown_codes.append(code)
            continue
        if code in seen:
            raise BoundaryFileError(
                f"Kode {code} muncul dua kali (fitur ke-{number}). / Code {code} appears twice."
            )
        seen.add(code)
        try:
            web = to_web_shape(parse_polygonal(feature.get("geometry")), level)
        except GeometryError as exc:
            raise BoundaryFileError(
                f"Geometri fitur ke-{number} ({code}) rusak: {exc}. "
                f"/ Broken geometry in feature {number} ({code})."
            ) from None
        result.repaired += web.repaired
        boundaries.append(
            Boundary(
                region_id=code,
                svg_path=web.svg_path,
                min_x=web.min_x,
                min_y=web.min_y,
                max_x=web.max_x,
                max_y=web.max_y,
                label_x=web.label_x,
                label_y=web.label_y,
                repaired=web.repaired,
                source=source[:200],
            )
        )
    result.matched = len(boundaries)

    with transaction.atomic():
        Boundary.objects.filter(region_id__in=[b.region_id for b in boundaries]).delete()
        Boundary.objects.bulk_create(boundaries, batch_size=500)

    # "Left without a polygon": regions of the same level under the parents the file covers
    # (every province for a province file), so a partial file names exactly what it lacks.
    if level == Level.PROVINSI:
        missing = Region.objects.filter(level=level, boundary__isnull=True)
    else:
        parents = sorted({code.rsplit(".", 1)[0] for code in seen})
        missing = Region.objects.filter(parent_id__in=parents, level=level, boundary__isnull=True)
    result.regions_without_polygon = list(missing.values_list("code", flat=True))
    return result
