from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from regions.boundaries import LEVEL_NAMES, BoundaryFileError, import_boundaries

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Memasang poligon batas wilayah dari berkas GeoJSON berdasarkan kode Kemendagri. "
        "Attaches boundary polygons from a GeoJSON file by region code."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--code-property", default="kode", help="Properti berisi kode wilayah")
        parser.add_argument("--level", choices=sorted(LEVEL_NAMES), help="Tingkat wilayah fitur")
        parser.add_argument("--json", action="store_true", help="Ringkasan sebagai JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        level = LEVEL_NAMES[options["level"]] if options["level"] else None
        try:
            result = import_boundaries(
                path, code_property=options["code_property"], level=level, source=path.name
            )
        except BoundaryFileError as exc:
            log.error("Boundary import of %s failed, nothing written: %s", path, exc)
            raise CommandError(f"{exc} Tidak ada yang disimpan.") from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            f"{result.features:,} fitur: {result.matched:,} dipasang "
            f"({result.repaired:,} diperbaiki), {len(result.unknown_codes):,} kode tidak dikenal, "
            f"{result.skipped_other_level:,} tingkat lain dilewati; "
            f"{len(result.regions_without_polygon):,} wilayah tanpa poligon"
        )
        if result.unknown_codes:
            self.stdout.write("kode tidak dikenal: " + ", ".join(result.unknown_codes[:50]))
        if result.regions_without_polygon:
            self.stdout.write("tanpa poligon: " + ", ".join(result.regions_without_polygon[:50]))
