from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from analytics.models import ElementRollup, IndicatorRollup
from analytics.rollups import rebuild_rollups
from catalog.models import DataElement, Indicator, Period
from catalog.periods import PeriodType, parse_period
from datavalues.models import SAMPLE_SOURCE, DataValue, ValueChange
from datavalues.sample import Desa, sample_values
from regions.demo import parse_years
from regions.models import Kind, Level, Region, RegionSize

COLUMNS = ("region_id", "element_id", "period_id", "value", "source", "updated_at")


class Command(BaseCommand):
    help = (
        "Mengisi data benchmark untuk setiap desa (COPY di PostgreSQL), lalu membangun roll-up. "
        "Fills benchmark values for every desa (COPY on PostgreSQL), then builds the roll-ups. "
        "It bypasses save_values and writes no history: a tool for benchmark databases only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["national", "province"], default="national")
        parser.add_argument("--provinces", default="", help="e.g. 33,34 (with --scale province)")
        parser.add_argument(
            "--every", type=int, default=1, help="take every Nth desa (a stated smaller scale)"
        )
        parser.add_argument("--years", default="2021-2025")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--monthly", action="store_true", help="also the monthly elements")
        parser.add_argument("--replace", action="store_true", help="empty values first")
        parser.add_argument("--skip-rollups", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        years = parse_years(options["years"])
        if DataValue.objects.exists():
            if not options["replace"]:
                raise CommandError(
                    "Basis data sudah berisi nilai; pakai --replace di basis data benchmark. / "
                    "Values exist; use --replace on a benchmark database."
                )
            self._empty()
        if not Indicator.objects.exists():
            call_command("loadcatalog", stdout=self.stdout)
        desa = Region.objects.filter(level=Level.DESA).order_by("code").only("code", "kind")
        if options["scale"] == "province":
            provinces = [p.strip() for p in options["provinces"].split(",") if p.strip()]
            if not provinces:
                raise CommandError("--scale province perlu --provinces. / needs --provinces.")
            desa = desa.filter(code__gte=min(provinces), code__lt=max(provinces) + "/")
            desa = desa.filter(parent__parent__parent_id__in=provinces)
        every = max(1, options["every"])
        chosen = [
            Desa(r.code, r.kind == Kind.KELURAHAN)
            for i, r in enumerate(desa.iterator(chunk_size=20000))
            if i % every == 0
        ]
        if not chosen:
            raise CommandError("Tidak ada desa; jalankan loadregions. / No desa: run loadregions.")
        elements = {
            e.code: (e.id, e.period_type) for e in DataElement.objects.only("code", "period_type")
        }
        specs = {p for year in years for t in PeriodType for p in parse_period(str(year)).parts(t)}
        periods = {code: p.id for code, p in Period.objects.for_specs(specs).items()}
        started = time.perf_counter()
        now = timezone.now()
        stamp: Any = now if connection.vendor == "postgresql" else now.isoformat(" ")

        def rows() -> Any:
            for region, element, period, value in sample_values(chosen, years, options["seed"]):
                element_id, period_type = elements[element]
                if period_type != PeriodType.YEAR and not options["monthly"]:
                    continue
                yield (region, element_id, periods[period], value, SAMPLE_SOURCE, stamp)

        count = self._load(rows())
        load_seconds = time.perf_counter() - started
        self.stdout.write(
            f"{count:,} nilai untuk {len(chosen):,} desa/kelurahan dimuat dalam "
            f"{load_seconds:.1f} s. / values loaded."
        )
        if not options["skip_rollups"]:
            begun = time.perf_counter()
            report = rebuild_rollups()
            self.stdout.write(
                f"Roll-up: {sum(report.rows.values()):,} baris dalam "
                f"{time.perf_counter() - begun:.1f} s."
            )
        self.stdout.write(f"seedbench total {time.perf_counter() - started:.1f} s")

    def _empty(self) -> None:
        with transaction.atomic():
            for model in (ElementRollup, IndicatorRollup, RegionSize, ValueChange, DataValue):
                model.objects.all()._raw_delete(model.objects.db)

    def _drop_indexes_and_constraints(self, cursor: Any, table: str) -> list[str]:
        """Drop every index and constraint but the primary key; return how to restore them."""
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
            "AND i.indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE conrelid = %s::regclass)",
            [table, table],
        )
        indexes = cursor.fetchall()
        qn = connection.ops.quote_name
        for name, _definition, _kind in constraints:
            cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {qn(name)}")
        restore = [definition for _name, definition in indexes]
        # Unique constraints first (they build their index), then the foreign keys.
        for name, definition, _kind in sorted(constraints, key=lambda c: c[2] != "u"):
            restore.append(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
        return restore

    def _load(self, rows: Any) -> int:
        table = DataValue._meta.db_table
        count = 0
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The bulk-load recipe: drop the indexes and constraints, COPY (no round trip
                # per batch), then rebuild each index once and validate each foreign key with
                # one set-based check, instead of per-row index updates and per-row deferred
                # trigger checks at commit. DDL is transactional: a failure restores them.
                restore = self._drop_indexes_and_constraints(cursor, table)
                sql = f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
                self.stdout.write(f"{count:,} baris disalin; membangun indeks … / indexing …")
                for statement in restore:
                    cursor.execute(statement)
                cursor.execute(f"ANALYZE {table}")
            else:
                sql = (
                    f"INSERT INTO {table} ({', '.join(COLUMNS)}) "  # noqa: S608
                    f"VALUES ({', '.join(['%s'] * len(COLUMNS))})"
                )
                batch: list[tuple[Any, ...]] = []
                for row in rows:
                    batch.append(row)
                    if len(batch) == 50000:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch = []
                cursor.executemany(sql, batch)
                count += len(batch)
                cursor.execute(f"ANALYZE {table}")
        return count
