"""SDGs Desa, Dapodik and the Scorecard Konvergensi Desa through `importsource`: values
equal a count by hand, bad files name their rows and write nothing, a second import
changes nothing."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from datavalues.models import DataValue

pytestmark = pytest.mark.django_db

GAMPING = "34.04.01"
BALECATUR, AMBARKETAWANG, BANYURADEN = "34.04.01.2001", "34.04.01.2002", "34.04.01.2003"


@pytest.fixture
def setup(diy_regions: None, catalogue: None) -> None:
    """DIY regions and the catalogue."""


def csv_file(tmp_path: Path, name: str, rows: list[list[str]]) -> str:
    path = tmp_path / name
    path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    return str(path)


def run(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("importsource", *args, "--json", stdout=out, stderr=StringIO())
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def refused(*args: str) -> dict[str, Any]:
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("importsource", *args, "--json", stdout=out, stderr=StringIO())
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def values() -> dict[tuple[str, str, str], float]:
    return {
        (v.region_id, v.element.code, v.period.code): v.value
        for v in DataValue.objects.select_related("element", "period")
    }


# --- Dapodik -------------------------------------------------------------------------

DAPODIK = [
    ["No", "Nama Satuan Pendidikan", "NPSN", "Bentuk Pendidikan", "Status", "Desa/Kelurahan"],
    ["1", "TK ABA Balecatur", "69912345", "TK", "Swasta", "Balecatur"],
    ["2", "KB Melati", "69912346", "KB", "Swasta", "Balecatur"],
    ["3", "SD Negeri Balecatur 1", "20400001", "SD", "Negeri", "Balecatur"],
    ["4", "SD Negeri Balecatur 2", "20400002", "SD", "Negeri", "BALECATUR"],
    ["5", "SMP Negeri 1 Gamping", "20400003", "SMP", "Negeri", "Ambarketawang"],
    ["6", "SMA Negeri 1 Gamping", "20400004", "SMA", "Negeri", "Ambarketawang"],
    ["7", "PKBM Tunas", "P9912347", "PKBM", "Swasta", "Banyuraden"],
]


def test_a_dapodik_school_list_becomes_schools_per_desa(setup: None, tmp_path: Path) -> None:
    rows = [list(r) for r in DAPODIK]
    rows[7][2] = "69912347"
    path = csv_file(tmp_path, "dapodik.csv", rows)
    summary = run("dapodik", path, "--kecamatan", GAMPING, "--period", "2025")
    assert values() == {
        (BALECATUR, "PAUD_SATUAN", "2025"): 2,
        (BALECATUR, "SD_SATUAN", "2025"): 2,
        (BALECATUR, "SMP_SATUAN", "2025"): 0,
        (BALECATUR, "KESETARAAN_SATUAN", "2025"): 0,
        (BALECATUR, "PAUD_ADA", "2025"): 1,
        (AMBARKETAWANG, "PAUD_SATUAN", "2025"): 0,
        (AMBARKETAWANG, "SD_SATUAN", "2025"): 0,
        (AMBARKETAWANG, "SMP_SATUAN", "2025"): 1,
        (AMBARKETAWANG, "KESETARAAN_SATUAN", "2025"): 0,
        (AMBARKETAWANG, "PAUD_ADA", "2025"): 0,
        (BANYURADEN, "PAUD_SATUAN", "2025"): 0,
        (BANYURADEN, "SD_SATUAN", "2025"): 0,
        (BANYURADEN, "SMP_SATUAN", "2025"): 0,
        (BANYURADEN, "KESETARAAN_SATUAN", "2025"): 1,
        (BANYURADEN, "PAUD_ADA", "2025"): 0,
    }
    assert any("SMA 1" in note for note in summary["notes"])
    again = run("dapodik", path, "--kecamatan", GAMPING, "--period", "2025")
    assert again["counts"]["baru"] == 0 and again["counts"]["berubah"] == 0


def test_a_dapodik_list_with_a_bad_npsn_a_duplicate_and_an_unknown_form_writes_nothing(
    setup: None, tmp_path: Path
) -> None:
    rows = [list(r) for r in DAPODIK]
    rows[4][2] = "20400001"  # the NPSN of row 4 again
    rows[5][3] = "Madrasah?"
    path = csv_file(tmp_path, "dapodik.csv", rows)
    summary = refused("dapodik", path, "--kecamatan", GAMPING, "--period", "2025")
    assert {(p["row"], p["column"]) for p in summary["problems"]} == {
        (5, "NPSN"),
        (6, "Bentuk Pendidikan"),
        (8, "NPSN"),
    }
    assert DataValue.objects.count() == 0


# --- SDGs Desa -----------------------------------------------------------------------


def sdgs_rows() -> list[list[str]]:
    header = ["Kode Desa", "Nama Desa", *(f"SDGs {g}" for g in range(1, 19)), "Skor SDGs Desa"]
    balecatur = ["3404012001", "BALECATUR", *(str(40 + g) for g in range(1, 19)), "52,75"]
    ambarketawang = ["34.04.01.2002", "AMBARKETAWANG", *("60" for _ in range(18)), "60"]
    ambarketawang[5] = ""  # goal 4 not scored
    return [header, balecatur, ambarketawang]


def test_an_sdgs_desa_recap_becomes_the_score_of_each_goal(setup: None, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "sdgs.csv", sdgs_rows())
    run("sdgs", path, "--period", "2024")
    stored = values()
    assert stored[(BALECATUR, "SDGS_01", "2024")] == 41
    assert stored[(BALECATUR, "SDGS_18", "2024")] == 58
    assert stored[(BALECATUR, "SDGS_SKOR", "2024")] == 52.75
    assert (AMBARKETAWANG, "SDGS_04", "2024") not in stored
    assert len(stored) == 19 + 18
    again = run("sdgs", path, "--period", "2024")
    assert again["counts"]["tetap"] == 37 and values() == stored


def test_an_sdgs_score_above_100_refuses_the_file(setup: None, tmp_path: Path) -> None:
    rows = sdgs_rows()
    rows[2][3] = "160"
    summary = refused("sdgs", csv_file(tmp_path, "sdgs.csv", rows), "--period", "2024")
    assert [(p["row"], p["column"]) for p in summary["problems"]] == [(3, "SDGs 2")]
    assert DataValue.objects.count() == 0


# --- Scorecard Konvergensi Desa ----------------------------------------------------------

SCORECARD = [
    ["Kode Desa", "Tahun", "Kuartal", "Sasaran", "Jumlah Indikator Yang Diterima",
     "Jumlah Indikator Seharusnya Diterima", "Tingkat Konvergensi (%)"],
    ["3404012001", "2025", "1", "Ibu Hamil", "30", "40", "75,00"],
    ["3404012001", "2025", "1", "Anak 0 - 23 Bulan", "50", "80", "62,50"],
    ["3404012001", "2025", "1", "TOTAL TINGKAT KONVERGENSI DESA", "80", "120", "66,67"],
    ["3404012001", "2025", "2", "Ibu Hamil", "36", "40", "90,00"],
    ["3404012001", "2025", "2", "Anak 0 - 23 Bulan", "70", "80", "87,50"],
]  # fmt: skip


def test_a_scorecard_gives_the_services_received_and_due_of_the_latest_quarter(
    setup: None, tmp_path: Path
) -> None:
    path = csv_file(tmp_path, "scorecard.csv", [list(r) for r in SCORECARD])
    run("scorecard", path)
    assert values() == {
        (BALECATUR, "KONV_LAYANAN_DITERIMA", "2025"): 106,
        (BALECATUR, "KONV_LAYANAN_SASARAN", "2025"): 120,
    }
    again = run("scorecard", path)
    assert again["counts"]["baru"] == 0 and again["counts"]["berubah"] == 0


def test_a_scorecard_row_receiving_more_than_due_refuses_the_file(
    setup: None, tmp_path: Path
) -> None:
    rows = [list(r) for r in SCORECARD]
    rows[4][4] = "41"
    summary = refused("scorecard", csv_file(tmp_path, "scorecard.csv", rows))
    assert [(p["row"], p["column"]) for p in summary["problems"]] == [(5, "Yang Diterima")]
    assert DataValue.objects.count() == 0


# --- Siskeudes -----------------------------------------------------------------------

SISKEUDES = [
    ["Tahun", "Kd_Desa", "Kd_Keg", "Kd_Rincian", "No_Urut", "SumberDana", "Uraian", "JmlSatuan",
     "Satuan", "HrgSatuan", "Anggaran", "Nama_Kegiatan"],
    ["2025", "01.01.", "", "4.1.1.01.", "1", "PAD", "Hasil usaha", "1", "paket", "5000000",
     "5000000", ""],
    ["2025", "01.01.", "01.01.02.02.01.", "5.2.2.01.", "1", "DDS", "Honor kader posyandu",
     "12", "OB", "300000", "3600000", "Penyelenggaraan Posyandu"],
    ["2025", "01.01.", "01.01.02.02.01.", "5.2.2.02.", "2", "DDS", "Makanan tambahan", "1",
     "paket", "8.400.000", "8.400.000", "Penyelenggaraan Posyandu"],
    ["2025", "01.01.", "01.01.02.02.01.", "5.2.2.03.", "3", "ADD", "ATK", "1", "paket",
     "500000", "500000", "Penyelenggaraan Posyandu"],
    ["2025", "01.01.", "01.01.02.05.03.", "5.3.1.01.", "1", "PBK", "Sumur bor", "1", "unit",
     "25000000", "25000000", "Pembangunan sumur bor"],
    ["2025", "01.01.", "01.01.05.03.01.", "5.4.1.01.", "1", "DDS", "BLT Desa", "36", "KPM",
     "300000", "10800000", "BLT Dana Desa"],
]  # fmt: skip


def budget_lines() -> dict[tuple[str, str], int]:
    from planning.models import BudgetLine

    return {
        (line.kegiatan_code, line.fund_source): line.budget_rp
        for line in BudgetLine.objects.filter(desa_id=BALECATUR, year=2025)
    }


def test_siskeudes_rab_details_become_the_apbdes_lines_by_kegiatan_and_fund_source(
    setup: None, tmp_path: Path
) -> None:
    path = csv_file(tmp_path, "rab.csv", [list(r) for r in SISKEUDES])
    summary = run("siskeudes", path, "--desa", BALECATUR)
    assert budget_lines() == {
        ("2.2.01", "DD"): 12_000_000,
        ("2.2.01", "ADD"): 500_000,
        ("2.5.03", "BANKEU"): 25_000_000,
        ("5.3.01", "DD"): 10_800_000,
    }
    assert any("bukan belanja" in note for note in summary["notes"])
    again = run("siskeudes", path, "--desa", BALECATUR)
    assert again["counts"] == {"baru": 0, "berubah": 0, "tetap": 4}


def test_a_siskeudes_export_needs_the_desa_and_refuses_bad_lines_whole(
    setup: None, tmp_path: Path
) -> None:
    rows = [list(r) for r in SISKEUDES]
    assert "--desa" in refused("siskeudes", csv_file(tmp_path, "a.csv", rows))["message"]
    rows[3][10] = "delapan juta"
    rows[5][2] = "xx"
    summary = refused("siskeudes", csv_file(tmp_path, "b.csv", rows), "--desa", BALECATUR)
    assert [(p["row"], p["column"]) for p in summary["problems"]] == [
        (4, "Anggaran"),
        (6, "Kd_Keg"),
    ]
    assert budget_lines() == {}


def test_a_title_block_above_the_header_is_skipped_and_rows_keep_their_file_numbers(
    setup: None, tmp_path: Path
) -> None:
    from tests.source_files import write_xlsx

    title = ["Daftar Satuan Pendidikan"]
    rows = [["Kec. Gamping, Kab. Sleman"], [], list(DAPODIK[0])]
    rows += [list(r) for r in DAPODIK[1:]]
    rows[-1][2] = "69912347"
    path = str(write_xlsx(tmp_path / "dapodik.xlsx", title, rows))
    run("dapodik", path, "--kecamatan", GAMPING, "--period", "2025")
    assert values()[(BALECATUR, "SD_SATUAN", "2025")] == 2
    rows[3][2] = "NPSN?"  # sheet row 5: title, place, blank, header, then the first school
    bad = str(write_xlsx(tmp_path / "bad.xlsx", title, rows))
    summary = refused("dapodik", bad, "--kecamatan", GAMPING, "--period", "2025")
    assert [(p["row"], p["column"]) for p in summary["problems"]] == [(5, "NPSN")]
