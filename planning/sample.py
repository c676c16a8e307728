"""Plausible sample APBDes lines (source "contoh") for demos, deterministic per desa and year.

A desa budget of Rp 1,2–3,5 miliar: government operations and roads take most of it; the
basic-service kegiatan get varying shares, and some desa give a sector nothing in a year —
the case the budget-alignment page must flag. Realisation is 70–100 % of the budget for past
years and about half for the latest year (mid-year).
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from planning.models import FundSource

# (kegiatan code, name, share of the total budget when funded, chance of being funded)
KEGIATAN: tuple[tuple[str, str, float, float], ...] = (
    (
        "1.1.01",
        "Penyelenggaraan belanja siltap, tunjangan dan operasional pemerintahan desa",
        0.30,
        1.0,
    ),
    ("1.3.01", "Pelayanan administrasi umum dan kependudukan", 0.010, 0.85),
    ("1.4.01", "Penyelenggaraan musyawarah perencanaan desa", 0.010, 1.0),
    ("2.1.01", "Penyelenggaraan PAUD/TK/TPA/TPQ milik desa", 0.040, 0.8),
    ("2.1.02", "Dukungan penyelenggaraan PAUD (APE, sarana PAUD)", 0.020, 0.6),
    ("2.2.01", "Penyelenggaraan Pos Kesehatan Desa/Polindes milik desa", 0.020, 0.7),
    (
        "2.2.02",
        "Penyelenggaraan Posyandu (PMT, kelas ibu hamil, kelas lansia, insentif kader)",
        0.045,
        0.85,
    ),
    ("2.2.03", "Penyuluhan dan pelatihan bidang kesehatan", 0.010, 0.6),
    ("2.2.06", "Pembinaan dan pengelolaan Bina Keluarga Balita", 0.008, 0.5),
    ("2.3.01", "Pemeliharaan jalan desa", 0.15, 1.0),
    ("2.3.09", "Pembangunan drainase", 0.06, 0.7),
    ("2.4.04", "Pembangunan sambungan air bersih ke rumah tangga", 0.040, 0.55),
    ("2.4.06", "Pembangunan jamban umum/MCK", 0.030, 0.5),
    ("3.4.03", "Pembinaan PKK", 0.015, 1.0),
    ("4.4.03", "Pelatihan dan pemberdayaan penyandang disabilitas", 0.008, 0.4),
    ("5.3.01", "Keadaan mendesak (BLT Desa)", 0.06, 0.9),
)

# Shares of each source in a desa's revenue: Dana Desa and ADD carry most of it.
SOURCES: tuple[tuple[str, float], ...] = (  # (FundSource value, share)
    (FundSource.DD, 0.50),
    (FundSource.ADD, 0.30),
    (FundSource.PAD, 0.08),
    (FundSource.BHPR, 0.05),
    (FundSource.BANKEU, 0.07),
)


@dataclass(frozen=True, slots=True)
class SampleLine:
    desa: str
    year: int
    kegiatan_code: str
    name: str
    fund_source: str
    budget_rp: int
    realised_rp: int


def _rng(seed: int, *parts: str) -> random.Random:
    return random.Random(zlib.crc32(f"{seed}:{':'.join(parts)}".encode()))


def sample_lines(desa: Iterable[str], years: Iterable[int], seed: int = 1) -> Iterator[SampleLine]:
    years = sorted(years)
    for code in desa:
        place = _rng(seed, "apbdes", code)
        size = place.uniform(1.2e9, 3.5e9)
        habits = {k: place.uniform(0.4, 1.6) for k, *_ in KEGIATAN}
        for year in years:
            yr = _rng(seed, "apbdes", code, str(year))
            total = size * (1 + 0.04 * (year - years[0]))
            for kegiatan, name, share, chance in KEGIATAN:
                if yr.random() > chance:
                    continue
                amount = total * share * habits[kegiatan] * yr.uniform(0.8, 1.2)
                # BLT Desa is paid from Dana Desa; other kegiatan draw on one or two sources.
                if kegiatan.startswith("5.3"):
                    split: list[tuple[str, float]] = [(FundSource.DD, 1.0)]
                else:
                    first = yr.choices([s for s, _ in SOURCES], [w for _, w in SOURCES])[0]
                    second = yr.choice([s for s, _ in SOURCES if s != first])
                    part = yr.uniform(0.5, 1.0)
                    split = [(first, part), (second, 1 - part)]
                progress = yr.uniform(0.4, 0.6) if year == years[-1] else yr.uniform(0.7, 1.0)
                for source, fraction in split:
                    budget = round(amount * fraction, -3)
                    if budget <= 0:
                        continue
                    yield SampleLine(
                        code,
                        year,
                        kegiatan,
                        name,
                        str(source),
                        int(budget),
                        int(round(budget * progress, -3)),
                    )
