"""File import of data values: long CSV throughput (validation and roll-ups included),
idempotent re-import, peak memory, and an XLSX of 100,000 rows; SQLite and PostgreSQL.

`make bench BENCH_ARGS="intake --rows=1000000"` (default 1,000,000 rows). The rows are
DI Yogyakarta's desa × every data element × periods of 2000–2024, all of value 1 (so
numerator ≤ denominator holds), written to a temporary CSV that the real `importvalues`
command reads in a child process.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench._support import ROOT, bench_env, databases, fresh_database, manage, option, save

XLSX_ROWS = 100_000
REPEATS = 1


def _write_files(url: str, rows: int, folder: Path) -> tuple[Path, Path]:
    """The CSV of `rows` rows and an XLSX of the first XLSX_ROWS rows with value 0."""
    script = f"""
import csv, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from catalog.models import DataElement
from catalog.periods import PeriodSpec, PeriodType
from regions.models import Level, Region
from datavalues.validation import rules
import openpyxl
desa = list(Region.objects.filter(level=Level.DESA).values_list("code", "kind"))
elements = list(DataElement.objects.values_list("code", "period_type"))
only = rules().desa_only
n = 0
xlsx = openpyxl.Workbook(write_only=True)
sheet = xlsx.create_sheet()
sheet.append(["kode_wilayah", "kode_data", "periode", "nilai"])
with open({str(folder / "values.csv")!r}, "w", newline="") as out:
    w = csv.writer(out)
    w.writerow(["kode_wilayah", "kode_data", "periode", "nilai"])
    for year in range(2024, 1990, -1):
        for code, ptype in elements:
            t = PeriodType(ptype)
            for part in PeriodSpec(year, 1, PeriodType.YEAR).parts(t):
                for region, kind in desa:
                    if kind == "kelurahan" and code in only:
                        continue
                    w.writerow([region, code, part.code, 1])
                    if n < {XLSX_ROWS}:
                        sheet.append([region, code, part.code, 0])
                    n += 1
                    if n >= {rows}:
                        break
                if n >= {rows}: break
            if n >= {rows}: break
        if n >= {rows}: break
xlsx.save({str(folder / "values.xlsx")!r})
print(n)
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=bench_env(url),
        check=True,
        capture_output=True,
        text=True,
    )
    assert int(done.stdout.split()[-1]) == rows, done.stdout
    return folder / "values.csv", folder / "values.xlsx"


def run_backend(kind: str, rows: int) -> dict[str, object]:
    first_s, again_s, xlsx_s, rss = [], [], [], []
    for _ in range(REPEATS):
        url = fresh_database(kind, "bench_intake")
        manage(url, "migrate", "--no-input", "-v0")
        manage(url, "loadregions", "--province", "34")
        manage(url, "loadcatalog")
        with tempfile.TemporaryDirectory() as folder:
            csv_path, xlsx_path = _write_files(url, rows, Path(folder))
            first = manage(url, "importvalues", str(csv_path))
            again = manage(url, "importvalues", str(csv_path))
            assert "tetap" in again.output
            # Every value of the XLSX is 0 against neighbours at 1: the neighbour rule warns
            # about a few, as it should; the benchmark confirms them like a user would.
            xlsx = manage(url, "importvalues", str(xlsx_path), "--accept-warnings")
        first_s.append(first.seconds)
        again_s.append(again.seconds)
        xlsx_s.append(xlsx.seconds)
        rss += [first.peak_rss_mb, again.peak_rss_mb, xlsx.peak_rss_mb]
    first_median = statistics.median(first_s)
    return {
        "rows": rows,
        "import_s_median": round(first_median, 1),
        "import_rows_per_s": round(rows / first_median),
        "reimport_unchanged_s_median": round(statistics.median(again_s), 1),
        "reimport_rows_per_s": round(rows / statistics.median(again_s)),
        "xlsx_100k_changed_s_median": round(statistics.median(xlsx_s), 1),
        "peak_rss_mb_max": round(max(rss), 1),
    }


def run(args: list[str]) -> None:
    rows = option(args, "rows", 1_000_000)
    kinds = databases(args)
    figures: dict[str, object] = {}
    for kind in kinds:
        if kind == "postgresql" and os.environ.get("BENCH_SKIP_PG"):
            continue
        figures[kind] = run_backend(kind, rows)
    save(f"intake-{rows}-{'-'.join(figures) or 'none'}", figures)
