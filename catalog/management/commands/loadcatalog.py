from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.rollups import rebuild_indicators
from catalog.loading import CATALOGUE_PATH, CatalogueError, load_catalogue


class Command(BaseCommand):
    help = (
        "Memuat atau memperbarui katalog indikator dari berkas (idempoten). / "
        "Loads or updates the indicator catalogue from its file (idempotent)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=CATALOGUE_PATH)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = load_catalogue(path=options["file"])
        except CatalogueError as exc:
            raise CommandError(
                "Katalog tidak dimuat; tidak ada yang diubah. / Catalogue not loaded; "
                "nothing changed.\n" + "\n".join(f"- {e}" for e in exc.errors)
            ) from None
        except OSError as exc:
            raise CommandError(f"Berkas tidak terbaca / cannot read file: {exc}") from None
        self.stdout.write(f"Katalog versi {summary.version}")
        for label in ("sectors", "data_elements", "indicators", "targets"):
            self.stdout.write(
                f"  {label}: {summary.created.get(label, 0)} baru/created, "
                f"{summary.updated.get(label, 0)} diubah/updated, "
                f"{summary.unchanged.get(label, 0)} tetap/unchanged"
            )
        report = rebuild_indicators(summary.changed_indicators)
        if report is not None:
            self.stdout.write(
                f"Roll-up indikator dibangun ulang / rebuilt ({report.total_corrected} baris)."
            )
