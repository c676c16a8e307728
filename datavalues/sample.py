"""Plausible synthetic values for demos and benchmarks, marked with source "contoh".

Each desa gets a population; target populations are shares of it; numerators are rates of
their denominator that differ by kecamatan (spatial variation) and by desa, improve over
the years, and never exceed the denominator. A few desa miss a sector in a year, and a few
report the denominator without the numerator, so coverage below 100 % shows up.
Generation is deterministic for a given seed and desa code. `sample_data_under` tells a page
whether what it shows is such data.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Subquery

from datavalues.models import SAMPLE_SOURCE, DataValue
from regions.codes import code_at
from regions.models import Level, Region, within_code

# Target populations as shares of the desa population.
SHARES: dict[str, float] = {
    "BUMIL_SASARAN": 0.018,
    "BULIN_SASARAN": 0.017,
    "BBL_SASARAN": 0.016,
    "BALITA_SASARAN": 0.075,
    "DIKDAS_SASARAN": 0.14,
    "PRODUKTIF_SASARAN": 0.66,
    "LANSIA_SASARAN": 0.12,
    "HT_ESTIMASI": 0.08,
    "DM_ESTIMASI": 0.02,
    "ODGJ_ESTIMASI": 0.0015,
    "TB_TERDUGA": 0.008,
    "HIV_BERISIKO": 0.02,
    "REMATRI_SASARAN": 0.07,
    "BAYI6_SASARAN": 0.008,
    "ANAK623_SASARAN": 0.025,
    "BAYI_SASARAN": 0.016,
    "PDDK_5_6": 0.03,
    "PDDK_7_15": 0.14,
    "PDDK_7_18": 0.18,
    "RT_JUMLAH": 1 / 3.3,
    "KK_JUMLAH": 1 / 3.1,
    "KELUARGA_JUMLAH": 1 / 3.2,
    "DISABILITAS_TELANTAR": 0.001,
    "ANAK_TELANTAR": 0.001,
    "LANSIA_TELANTAR": 0.0015,
    "GEPENG": 0.0003,
    "ANAK_0_17": 0.28,
    "BADUTA": 0.035,
    "WAJIB_KTP": 0.72,
    "KORBAN_BENCANA": 0.002,
}

# numerator: (denominator, rate in the first year, change per year).
RATES: dict[str, tuple[str, float, float]] = {
    "BUMIL_ANC": ("BUMIL_SASARAN", 0.80, 0.03),
    "BULIN_NAKES": ("BULIN_SASARAN", 0.90, 0.02),
    "BBL_KN": ("BBL_SASARAN", 0.85, 0.03),
    "BALITA_LAYANAN": ("BALITA_SASARAN", 0.70, 0.04),
    "DIKDAS_SKRINING": ("DIKDAS_SASARAN", 0.75, 0.04),
    "PRODUKTIF_SKRINING": ("PRODUKTIF_SASARAN", 0.45, 0.07),
    "LANSIA_SKRINING": ("LANSIA_SASARAN", 0.55, 0.06),
    "HT_LAYANAN": ("HT_ESTIMASI", 0.35, 0.06),
    "DM_LAYANAN": ("DM_ESTIMASI", 0.50, 0.06),
    "ODGJ_LAYANAN": ("ODGJ_ESTIMASI", 0.70, 0.04),
    "TB_LAYANAN": ("TB_TERDUGA", 0.60, 0.06),
    "HIV_PERIKSA": ("HIV_BERISIKO", 0.55, 0.06),
    "BUMIL_KEK": ("BUMIL_SASARAN", 0.15, -0.01),
    "BUMIL_KEK_PMT": ("BUMIL_KEK", 0.70, 0.04),
    "BUMIL_TTD90": ("BUMIL_SASARAN", 0.60, 0.05),
    "REMATRI_TTD": ("REMATRI_SASARAN", 0.35, 0.07),
    "BAYI6_ASIX": ("BAYI6_SASARAN", 0.65, 0.03),
    "ANAK623_MPASI": ("ANAK623_SASARAN", 0.70, 0.03),
    "GIZIBURUK_KASUS": ("BALITA_SASARAN", 0.012, -0.001),
    "GIZIBURUK_DITANGANI": ("GIZIBURUK_KASUS", 0.80, 0.03),
    "KRS_KELUARGA": ("KK_JUMLAH", 0.05, -0.004),
    "KRS_DIDAMPINGI": ("KRS_KELUARGA", 0.60, 0.07),
    "SEKOLAH_5_6": ("PDDK_5_6", 0.80, 0.02),
    "SEKOLAH_7_15": ("PDDK_7_15", 0.97, 0.005),
    "ATS_7_18": ("PDDK_7_18", 0.04, -0.005),
    "KESETARAAN_7_18": ("ATS_7_18", 0.25, 0.04),
    "PAUD_AKREDITASI_B": ("PAUD_SATUAN", 0.55, 0.05),
    "PAUD_PENDIDIK_S1": ("PAUD_PENDIDIK", 0.50, 0.05),
    "RT_AIR_LAYAK": ("RT_JUMLAH", 0.90, 0.015),
    "RT_AIR_AMAN": ("RT_JUMLAH", 0.12, 0.015),
    "RT_SANITASI_LAYAK": ("RT_JUMLAH", 0.85, 0.02),
    "RT_SANITASI_AMAN": ("RT_JUMLAH", 0.10, 0.02),
    "KK_BABS": ("KK_JUMLAH", 0.04, -0.008),
    "KELUARGA_DESIL_1_4": ("KELUARGA_JUMLAH", 0.38, -0.01),
    "MISKIN_EKSTREM": ("PENDUDUK_JUMLAH", 0.02, -0.004),
    "PESERTA_JKN": ("PENDUDUK_JUMLAH", 0.85, 0.025),
    "KELUARGA_MISKIN": ("KELUARGA_JUMLAH", 0.12, -0.01),
    "KELUARGA_MISKIN_BANSOS": ("KELUARGA_MISKIN", 0.75, 0.03),
    "DISABILITAS_DILAYANI": ("DISABILITAS_TELANTAR", 0.60, 0.05),
    "ANAK_TELANTAR_DILAYANI": ("ANAK_TELANTAR", 0.65, 0.05),
    "LANSIA_TELANTAR_DILAYANI": ("LANSIA_TELANTAR", 0.60, 0.05),
    "GEPENG_DILAYANI": ("GEPENG", 0.50, 0.06),
    "KORBAN_BENCANA_DILAYANI": ("KORBAN_BENCANA", 0.85, 0.03),
    "BLT_KPM": ("KELUARGA_JUMLAH", 0.04, 0.0),
    "BLT_KPM_DTSEN": ("BLT_KPM", 0.80, 0.04),
    "ANAK_0_17_AKTA": ("ANAK_0_17", 0.92, 0.015),
    "BADUTA_AKTA": ("BADUTA", 0.80, 0.03),
    "ANAK_KIA": ("ANAK_0_17", 0.45, 0.08),
    "KTP_EL": ("WAJIB_KTP", 0.95, 0.01),
    "PENDUDUK_PADAN": ("PENDUDUK_JUMLAH", 0.97, 0.005),
}

# Upper bounds of the IDM classes Sangat Tertinggal … Maju (Permendes 2/2016 Pasal 5).
IDM_BANDS = (0.4907, 0.5989, 0.7072, 0.8155)

SECTOR_OF_PREFIX = {
    "BUMIL": "kesehatan",
    "BULIN": "kesehatan",
    "BBL": "kesehatan",
    "RT": "air_sanitasi",
    "KK": "air_sanitasi",
    "IDM": "indeks_desa",
}


@dataclass(frozen=True, slots=True)
class Desa:
    code: str
    is_kelurahan: bool = False


def _rng(seed: int, *parts: str) -> random.Random:
    return random.Random(zlib.crc32(f"{seed}:{':'.join(parts)}".encode()))


def _clamp(x: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, x))


def sample_values(
    desa: Iterable[Desa], years: Iterable[int], seed: int = 1
) -> Iterator[tuple[str, str, str, float]]:
    """(desa code, element code, period code, value) for every desa and year."""
    years = sorted(years)
    first = years[0]
    for d in desa:
        place = _rng(seed, d.code)
        kec = _rng(seed, code_at(d.code, 3))
        population = place.randint(2500, 16000)
        kec_offset = kec.uniform(-0.10, 0.08)  # kecamatan-wide better or worse services
        desa_offset = place.uniform(-0.06, 0.06)
        paud_units = place.randint(1, 6)
        for year in years:
            yr = _rng(seed, d.code, str(year))
            grown = population * (1 + 0.01 * (year - first))
            values: dict[str, float] = {"PENDUDUK_JUMLAH": round(grown)}
            for code, share in SHARES.items():
                values[code] = round(grown * share * yr.uniform(0.9, 1.1))
            values["PAUD_SATUAN"] = paud_units
            values["PAUD_PENDIDIK"] = paud_units * yr.randint(2, 5)
            values["KONV_LAYANAN_SASARAN"] = (values["BUMIL_SASARAN"] + values["BADUTA"]) * 9
            values["KONV_LAYANAN_DITERIMA"] = 0  # filled below like any rate
            if yr.random() < 0.7:
                values["KORBAN_BENCANA"] = 0
            t = year - first
            for code, (den, base, trend) in RATES.items():
                rate = base + trend * t
                if trend >= 0:
                    rate += kec_offset + desa_offset
                else:
                    rate *= 1 - 2 * (kec_offset + desa_offset)
                rate = _clamp(rate + yr.uniform(-0.03, 0.03), 0.0, 1.0)
                values[code] = min(values[den], round(values[den] * rate))
            konv = _clamp(0.65 + 0.05 * t + kec_offset + desa_offset)
            values["KONV_LAYANAN_DITERIMA"] = round(values["KONV_LAYANAN_SASARAN"] * konv)
            values["PAUD_ADA"] = 1 if yr.random() < 0.92 else 0
            values["DESA_ODF"] = 1 if yr.random() < _clamp(0.45 + 0.1 * t + kec_offset) else 0
            values["DESA_STBM"] = 1 if yr.random() < _clamp(0.8 + 0.05 * t) else 0
            idm = [
                _clamp(0.62 + 0.02 * t + kec_offset / 2 + yr.uniform(-0.08, 0.08)) for _ in "sel"
            ]
            values["IDM_IKS"], values["IDM_IKE"], values["IDM_IKL"] = (round(v, 4) for v in idm)
            values["IDM_SKOR"] = round(sum(idm) / 3, 4)
            values["IDM_MAJU_MANDIRI"] = 1 if values["IDM_SKOR"] > 0.7072 else 0
            # Sample data has no published status: the class of the score's band.
            values["IDM_KELAS"] = 1 + sum(values["IDM_SKOR"] > t for t in IDM_BANDS)
            if d.is_kelurahan:
                # A kelurahan has no APBDes, hence no BLT Desa and no IDM.
                for code in ("BLT_KPM", "BLT_KPM_DTSEN", "IDM_IKS", "IDM_IKE", "IDM_IKL"):
                    values.pop(code)
                for code in ("IDM_SKOR", "IDM_MAJU_MANDIRI", "IDM_KELAS"):
                    values.pop(code)
            else:
                values["BLT_REALISASI_RP"] = values["BLT_KPM"] * 300_000 * yr.randint(9, 12)
            # Some desa miss a whole sector in a year; some send only target populations.
            skipped = {s for s in ("kesehatan", "air_sanitasi") if yr.random() < 0.05}
            numerators_missing = yr.random() < 0.04
            for code, value in values.items():
                if SECTOR_OF_PREFIX.get(code.split("_")[0]) in skipped:
                    continue
                if numerators_missing and code in RATES and code not in SHARES:
                    continue
                yield d.code, code, str(year), float(value)
            # Monthly reports: weighing every month, height in the February and August
            # weighing months, immunisation every month.
            balita = values["BALITA_SASARAN"]
            bayi = values["BAYI_SASARAN"]
            for month in range(1, 13):
                period = f"{year}-{month:02d}"
                if yr.random() < 0.93:
                    weighed = _clamp(0.72 + 0.03 * t + kec_offset + yr.uniform(-0.05, 0.05))
                    yield d.code, "BALITA_DITIMBANG", period, float(round(balita * weighed))
                    done = _clamp(0.85 + 0.02 * t + kec_offset + yr.uniform(-0.1, 0.1))
                    yield d.code, "BAYI_IDL", period, float(round(bayi / 12 * done))
                if month in (2, 8):
                    measured = round(balita * _clamp(0.85 + yr.uniform(-0.05, 0.05)))
                    prevalence = _clamp(0.24 - 0.02 * t - kec_offset / 2 + yr.uniform(-0.03, 0.03))
                    yield d.code, "BALITA_DIUKUR", period, float(measured)
                    yield d.code, "BALITA_STUNTING", period, float(round(measured * prevalence))


# --- is what a page shows sample data? ---------------------------------------------------
# Pages say so in a banner ("data contoh"). Checked on one desa — the first in code order
# under the region — in one bounded query: a scan for the absence of sample values over a
# whole kabupaten (or Indonesia) would read millions of rows, and sample data is loaded for
# whole kabupaten at a time (`seeddemo`).


def sample_data_under(code: str | None) -> str | None:
    """The code of the desa whose sample values were found, or None when the data is real
    (or absent). Above kecamatan level the page links to that desa's kecamatan: the way a
    newcomer on the national page reaches a kecamatan with data."""
    if code is not None and code.count(".") == 3:
        first_desa: Subquery | str = code  # a desa: itself
    elif code is None:
        # Indonesia: the first desa in code order with any value is the first key of the
        # (region, element, period) index (values are stored on desa only).
        first_desa = Subquery(DataValue.objects.order_by("region_id").values("region_id")[:1])
    else:
        desa = Region.objects.filter(level=Level.DESA).filter(within_code(code))
        # Only desa that have values at all: the first desa of a kabupaten may be empty.
        has_values = DataValue.objects.filter(region_id=OuterRef("code"))
        first_desa = Subquery(desa.filter(Exists(has_values)).order_by("code").values("code")[:1])
    # No ORDER BY: with one, PostgreSQL walked the primary key of every value looking for
    # the first sample row (minutes on the national data) instead of the desa's key range.
    found = list(
        DataValue.objects.filter(region_id=first_desa, source=SAMPLE_SOURCE)
        .order_by()
        .values_list("region_id", flat=True)[:1]
    )
    return found[0] if found else None
