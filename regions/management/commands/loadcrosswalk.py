"""`manage.py loadcrosswalk FILE [--dry-run]`: old region codes and the regions that carry
them today (RegionCodeChange), from a CSV; see regions/crosswalk_file.py."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.audit import file_sha256, record_command_import
from config.language import both_languages
from regions.crosswalk_file import BadCrosswalk, load_crosswalk, read_crosswalk


class Command(BaseCommand):
    help = (
        "Memuat padanan kode wilayah lama → kode sekarang dari berkas CSV dengan kolom "
        "old_code,new_code,kind,edition,source (opsional old_name); kind: rename, move, "
        "split, merge. Semua baris diperiksa dulu: satu galat, tidak ada yang disimpan; "
        "memuat ulang berkas yang sama tidak mengubah apa pun. / Loads old region code → "
        "current code pairs from a CSV with the columns old_code,new_code,kind,edition,source "
        "(optional old_name); kind: rename, move, split, merge. Every row is checked first: "
        "any error writes nothing; loading the same file again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="berkas CSV / CSV file")
        parser.add_argument(
            "--dry-run", action="store_true", help="periksa saja, tanpa menyimpan / check only"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                rows = read_crosswalk(stream, default_source=f"loadcrosswalk {path.name}")
        except OSError as exc:
            raise CommandError(
                f"Berkas tidak bisa dibaca / cannot read the file: {exc.strerror}"
            ) from None
        except (UnicodeDecodeError, csv.Error) as exc:
            raise CommandError(f"Berkas CSV rusak / broken CSV file: {exc}") from None
        except BadCrosswalk as exc:
            for error in exc.errors:
                self.stderr.write(f"baris/row {error.row}: {both_languages(error.message)}")
            raise CommandError(
                f"{len(exc.errors)} galat: tidak ada yang disimpan / "
                f"{len(exc.errors)} error(s): nothing written"
            ) from None
        if options["dry_run"]:
            self.stdout.write(
                f"{len(rows)} baris benar, tidak disimpan (--dry-run) / "
                f"{len(rows)} rows valid, not written"
            )
            return
        with transaction.atomic():
            summary = load_crosswalk(rows)
            counts = {"baru": summary.created, "diubah": summary.updated}
            if summary.created or summary.updated:
                record_command_import(
                    command="loadcrosswalk",
                    path=path,
                    sha256=file_sha256(path),
                    counts={**counts, "tetap": summary.unchanged},
                )
        self.stdout.write(
            f"padanan kode: {summary.created} baru, {summary.updated} diubah, "
            f"{summary.unchanged} tetap / crosswalk entries: {summary.created} new, "
            f"{summary.updated} changed, {summary.unchanged} unchanged"
        )
