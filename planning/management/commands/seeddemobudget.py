from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from accounts.scoping import subtree_q
from planning.models import SAMPLE_SOURCE, BudgetLine, Stage
from planning.sample import sample_lines
from regions.demo import add_sample_arguments, sample_scope
from regions.models import Kind, Level, Region, within_code


class Command(BaseCommand):
    help = (
        "Mengisi baris APBDes contoh untuk desa satu kabupaten (sumber 'contoh'). / "
        "Fills plausible sample APBDes lines for the desa of one kabupaten (source 'contoh')."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_sample_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        scope = sample_scope(options)
        code, years = scope.kabupaten, scope.years
        # Kelurahan have no APBDes.
        desa = list(
            Region.objects.filter(within_code(code), level=Level.DESA)
            .exclude(kind=Kind.KELURAHAN)
            .values_list("code", flat=True)
        )
        rows = [
            BudgetLine(
                desa_id=line.desa,
                year=line.year,
                stage=Stage.FINAL,
                kegiatan_code=line.kegiatan_code,
                name=line.name,
                fund_source=line.fund_source,
                budget_rp=line.budget_rp,
                realised_rp=line.realised_rp,
                source=SAMPLE_SOURCE,
            )
            for line in sample_lines(desa, years, options["seed"])
        ]
        # Replace earlier sample lines only: lines from real files are never touched.
        with transaction.atomic():
            BudgetLine.objects.filter(
                subtree_q("desa_id", code), year__in=years, source=SAMPLE_SOURCE
            ).delete()
            BudgetLine.objects.bulk_create(rows, batch_size=2000)
        self.stdout.write(
            f"APBDes contoh: {len(rows):,} baris untuk {len(desa)} desa di {code}, "
            f"{years[0]}–{years[-1]}."
        )
