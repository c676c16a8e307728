from __future__ import annotations

import resource
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.rollups import rebuild_rollups
from regions.models import Region


class Command(BaseCommand):
    help = (
        "Menghitung ulang roll-up dari nilai mentah dan melaporkan setiap selisih yang "
        "dikoreksi (seharusnya tidak ada). / Recomputes roll-ups from raw values and reports "
        "every difference it corrected (there should be none)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="kode wilayah / region code (default: Indonesia)")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            report = rebuild_rollups(
                region=options["region"],
                progress=lambda m: self.stdout.write(
                    f"  … {m} ({time.perf_counter() - started:.1f} s)"
                ),
            )
        except Region.DoesNotExist as exc:
            raise CommandError(str(exc)) from None
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"Wilayah {report.scope}: {sum(report.rows.values()):,} baris roll-up diperiksa "
            f"dalam {seconds:.1f} s (memori puncak {peak_mb:.0f} MB)."
        )
        if report.fresh:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Roll-up dibangun dari awal: {report.total_corrected:,} baris. / "
                    "Built from scratch."
                )
            )
        elif report.total_corrected:
            self.stdout.write(
                self.style.WARNING(
                    f"{report.total_corrected} selisih dikoreksi / differences corrected: "
                    + ", ".join(f"{k}={v}" for k, v in sorted(report.corrected.items()))
                )
            )
            for line in report.examples:
                self.stdout.write(f"  {line}")
        else:
            self.stdout.write(self.style.SUCCESS("Tidak ada selisih. / No differences."))
