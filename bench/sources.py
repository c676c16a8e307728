"""Source adapters: an e-PPGBM export of 100,000 children and an OpenSID penduduk export
of 1,000,000 persons through `importsource`, on SQLite (targets: each ≤ 60 s, ≤ 500 MB).

`make bench BENCH_ARGS="sources [--children=N] [--persons=N]"`. The files are written in
the documented layouts (tests/source_files.py) with invented people: e-PPGBM children of
0–59 months spread over DI Yogyakarta's desa (by the "Kode Desa" column), measured in one
month near the WHO medians; OpenSID persons of 0–90 years for one desa.
"""

from __future__ import annotations

import csv
import os
import random
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from bench._support import bench_env, fresh_database, manage, option, save

CHILDREN = 100_000
PERSONS = 1_000_000


def _desa_codes(url: str) -> list[str]:
    script = (
        "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings');"
        "django.setup(); from regions.models import Level, Region;"
        "print(','.join(Region.objects.filter(level=Level.DESA, kind='desa')"
        ".values_list('code', flat=True)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=bench_env(url),
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().split(",")


def write_eppgbm(path: Path, children: int, desa: list[str]) -> None:
    from tests.source_files import EPPGBM_HEADER

    rng = random.Random(16)
    measured = date(2025, 8, 15)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow([*EPPGBM_HEADER, "Kode Desa"])
        for n in range(children):
            months = rng.randrange(0, 60)
            born = measured - timedelta(days=int(months * 30.4375) + rng.randrange(0, 28))
            male = rng.random() < 0.5
            height = 50 + 2.1 * months - 0.012 * months * months + rng.gauss(0, 3.5)
            weight = 3.3 + 0.42 * months - 0.0035 * months * months + rng.gauss(0, 1.1)
            code = desa[n % len(desa)].replace(".", "")
            writer.writerow(
                [
                    n + 1, f"34{n:014d}", f"Anak {n}", "L" if male else "P", born.isoformat(),
                    "3,1", "49", f"Ibu {n}", "DI YOGYAKARTA", "", "", "", "", "Melati", "001",
                    "002", "Jl. Contoh", "", measured.isoformat(),
                    f"{max(weight, 2.0):.1f}".replace(".", ","),
                    f"{max(height, 45.0):.1f}".replace(".", ","),
                    "Terlentang" if months < 24 else "Berdiri", "", "", "", "", "", "", "",
                    code,
                ]
            )  # fmt: skip


def write_opensid(path: Path, persons: int) -> None:
    from tests.source_files import OPENSID_HEADER

    rng = random.Random(16)
    sex_col = OPENSID_HEADER.index("sex")
    born_col = OPENSID_HEADER.index("tanggallahir")
    nik_col, name_col = OPENSID_HEADER.index("nik"), OPENSID_HEADER.index("nama")
    status_col = OPENSID_HEADER.index("status_dasar")
    start = date(1935, 1, 1).toordinal()
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(OPENSID_HEADER)
        row = [""] * len(OPENSID_HEADER)
        for n in range(persons):
            row[nik_col] = f"34{n:014d}"
            row[name_col] = f"Warga {n}"
            row[sex_col] = "1" if rng.random() < 0.5 else "2"
            row[born_col] = date.fromordinal(start + rng.randrange(0, 33_000)).isoformat()
            row[status_col] = "1" if rng.random() < 0.97 else "2"
            writer.writerow(row)


def run(args: list[str]) -> None:
    children = option(args, "children", CHILDREN)
    persons = option(args, "persons", PERSONS)
    os.environ.setdefault("INTAKE_MAX_UPLOAD_MB", "400")  # a 1,000,000-person CSV
    url = fresh_database("sqlite", "bench_sources")
    manage(url, "migrate", "--no-input", "-v0")
    manage(url, "loadregions", "--province", "34")
    manage(url, "loadcatalog")
    figures: dict[str, object] = {"database": "sqlite"}
    with tempfile.TemporaryDirectory() as folder:
        eppgbm = Path(folder) / "eppgbm.csv"
        write_eppgbm(eppgbm, children, _desa_codes(url))
        first = manage(url, "importsource", "eppgbm", str(eppgbm), "--accept-warnings")
        figures["eppgbm"] = {
            "children": children,
            "file_mb": round(eppgbm.stat().st_size / 1048576, 1),
            "seconds": round(first.seconds, 1),
            "peak_rss_mb": round(first.peak_rss_mb, 1),
            "within_target": first.seconds <= 60 and first.peak_rss_mb <= 500,
        }
        eppgbm.unlink()
        opensid = Path(folder) / "opensid.csv"
        write_opensid(opensid, persons)
        people = manage(
            url, "importsource", "opensid", str(opensid), "--desa", "34.04.01.2001",
            "--period", "2025", "--accept-warnings",
        )  # fmt: skip
        figures["opensid"] = {
            "persons": persons,
            "file_mb": round(opensid.stat().st_size / 1048576, 1),
            "seconds": round(people.seconds, 1),
            "peak_rss_mb": round(people.peak_rss_mb, 1),
            "within_target": people.seconds <= 60 and people.peak_rss_mb <= 500,
        }
    save(f"sources-{children}-{persons}", figures)
