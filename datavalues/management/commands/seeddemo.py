from __future__ import annotations

import re
import time
from collections import defaultdict
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.rollups import refresh_region_sizes
from catalog.models import Indicator
from datavalues.models import SAMPLE_SOURCE, How
from datavalues.sample import Desa, sample_values
from datavalues.writing import ValueInput, save_values
from regions.models import Kind, Level, Region, within_code

DEFAULT_KABUPATEN = "34.04"  # Sleman, DI Yogyakarta: 17 kecamatan, 86 desa/kelurahan


def parse_years(text: str) -> list[int]:
    match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", text.strip())
    if not match:
        raise CommandError(
            f"--years {text!r} tidak dikenali; contoh 2021-2025. / Use e.g. --years 2021-2025."
        )
    first, last = int(match[1]), int(match[2] or match[1])
    if not 2000 <= first <= last <= 2100 or last - first > 20:
        raise CommandError(f"--years {text!r} di luar rentang wajar. / Years out of range.")
    return list(range(first, last + 1))


class Command(BaseCommand):
    help = (
        "Mengisi nilai contoh yang masuk akal untuk satu kabupaten (sumber 'contoh'). / "
        "Fills plausible sample values for one kabupaten (source 'contoh')."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kabupaten", default=DEFAULT_KABUPATEN)
        parser.add_argument("--years", default="2021-2025")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["kabupaten"].strip()
        years = parse_years(options["years"])
        if not Region.objects.filter(code=code, level=Level.KABUPATEN).exists():
            raise CommandError(
                f"Kabupaten/kota {code} belum ada; jalankan loadregions dahulu. / "
                f"Kabupaten {code} not found; run loadregions first."
            )
        if not Indicator.objects.exists():
            call_command("loadcatalog", stdout=self.stdout)
        desa = [
            Desa(r.code, r.kind == Kind.KELURAHAN)
            for r in Region.objects.filter(within_code(code), level=Level.DESA).only("code", "kind")
        ]
        started = time.perf_counter()
        by_year: dict[str, list[ValueInput]] = defaultdict(list)
        for region, element, period, value in sample_values(desa, years, options["seed"]):
            by_year[period[:4]].append(ValueInput(region, element, period, value, SAMPLE_SOURCE))
        created = updated = 0
        for year in sorted(by_year):
            result = save_values(values=by_year[year], how=How.SAMPLE, source=SAMPLE_SOURCE)
            created += result.created
            updated += result.updated
            self.stdout.write(f"  {year}: {len(by_year[year]):,} nilai / values")
        # Coverage needs the desa count of every region; cheap to refresh once here.
        refresh_region_sizes()
        self.stdout.write(
            f"Data contoh untuk {len(desa)} desa/kelurahan di {code}, {years[0]}–{years[-1]}: "
            f"{created:,} baru, {updated:,} diubah ({time.perf_counter() - started:.1f} s)."
        )
