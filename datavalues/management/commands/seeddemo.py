from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from catalog.models import Indicator
from datavalues.checks import check_period
from datavalues.models import SAMPLE_SOURCE, How
from datavalues.sample import Desa, sample_values
from datavalues.writing import ValueInput, save_values
from regions.demo import add_sample_arguments, sample_scope
from regions.models import Kind, Level, Region, within_code
from regions.sizes import refresh_region_sizes


class Command(BaseCommand):
    help = (
        "Mengisi nilai contoh yang masuk akal untuk satu kabupaten (sumber 'contoh'). / "
        "Fills plausible sample values for one kabupaten (source 'contoh')."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_sample_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        scope = sample_scope(options)
        code, years = scope.kabupaten, scope.years
        if not Indicator.objects.exists():
            call_command("loadcatalog", stdout=self.stdout)
        desa = [
            Desa(r.code, r.kind == Kind.KELURAHAN)
            for r in Region.objects.filter(within_code(code), level=Level.DESA).only("code", "kind")
        ]
        started = time.perf_counter()
        by_year: dict[str, list[ValueInput]] = defaultdict(list)
        today = timezone.localdate()
        for region, element, period, value in sample_values(desa, years, options["seed"]):
            if check_period(period, today)[1]:
                continue  # a period not begun yet: save_values refuses it like any path
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
