"""`importsource`: e-PPGBM and OpenSID exports become counts per desa through the values
import (preview, checks, all or nothing, idempotence); personal data is never kept."""

from __future__ import annotations

import json
import logging
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from datavalues.models import DataValue
from intake.models import Upload
from tests import source_files as files

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
GAMPING = "34.04.01"
BALECATUR, AMBARKETAWANG = "34.04.01.2001", "34.04.01.2002"


@pytest.fixture
def setup(diy_regions: None, catalogue: None) -> None:
    """DIY regions and the catalogue."""


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


# Counted by hand from the WHO 2006 tables (Permenkes 2/2020 annex) for each child of the
# fixture: boys 12 months length −2 SD 71.0 cm, weight −2 SD 7.7 kg; a 7.0 kg boy of
# 75.7 cm is far below weight-for-length −2 SD; girls 3½ years height −2 SD ≈ 90 cm;
# girls 18 months length −2 SD 74.9 cm and weight −2 SD 8.1 kg. The fifth child is over
# five and not counted; the first child's later measurement of the month is the one used.
EPPGBM_EXPECTED = {
    (BALECATUR, "2025-08"): {
        "BALITA_DIUKUR": 4, "BALITA_STUNTING": 1, "BALITA_DITIMBANG": 4,
        "BALITA_UNDERWEIGHT": 2, "BALITA_BBTB_DIUKUR": 4, "BALITA_WASTING": 1,
    },
    (AMBARKETAWANG, "2025-08"): {
        "BALITA_DIUKUR": 2, "BALITA_STUNTING": 1, "BALITA_DITIMBANG": 2,
        "BALITA_UNDERWEIGHT": 0, "BALITA_BBTB_DIUKUR": 2, "BALITA_WASTING": 0,
    },
    (AMBARKETAWANG, "2025-09"): {
        "BALITA_DIUKUR": 1, "BALITA_STUNTING": 1, "BALITA_DITIMBANG": 1,
        "BALITA_UNDERWEIGHT": 1, "BALITA_BBTB_DIUKUR": 1, "BALITA_WASTING": 0,
    },
}  # fmt: skip


def expected_eppgbm() -> dict[tuple[str, str, str], float]:
    return {
        (desa, element, period): count
        for (desa, period), counts in EPPGBM_EXPECTED.items()
        for element, count in counts.items()
    }


def test_an_eppgbm_export_becomes_stunting_wasting_and_underweight_counts_per_desa_and_month(
    setup: None,
) -> None:
    summary = run("eppgbm", str(FIXTURES / "eppgbm_pengukuran.csv"), "--kecamatan", GAMPING)
    assert values() == expected_eppgbm()
    assert summary["source_rows"] == 9
    assert summary["counts"]["baru"] == 18
    assert any("bukan balita" in note for note in summary["notes"])
    assert any("lebih dari sekali sebulan" in note for note in summary["notes"])
    assert DataValue.objects.filter(source="e-PPGBM").count() == 18


def test_the_same_eppgbm_export_as_xlsx_with_desa_codes_gives_the_same_counts(
    setup: None, tmp_path: Path
) -> None:
    header = [*files.EPPGBM_HEADER, "Kode Desa"]
    codes = {"Balecatur": "3404012001", "Ambarketawang": "3404012002"}
    rows = [[*row, codes[row[12]]] for row in files.eppgbm_rows()]
    path = files.write_xlsx(tmp_path / "ppgbm.xlsx", header, rows)
    run("eppgbm", str(path))
    assert values() == expected_eppgbm()


def test_a_second_import_of_the_same_export_changes_nothing(setup: None) -> None:
    path = str(FIXTURES / "eppgbm_pengukuran.csv")
    run("eppgbm", path, "--kecamatan", GAMPING)
    before = values()
    summary = run("eppgbm", path, "--kecamatan", GAMPING)
    assert summary["counts"]["baru"] == 0 and summary["counts"]["berubah"] == 0
    assert summary["counts"]["tetap"] == 18
    assert values() == before


def test_an_eppgbm_export_with_bad_rows_names_each_row_and_writes_nothing(
    setup: None, tmp_path: Path
) -> None:
    children = list(files.EPPGBM_CHILDREN)
    children[1] = (*children[1][:2], "X", *children[1][3:])  # sex
    children[2] = (*children[2][:3], "31/02/2024", *children[2][4:])  # birth date
    children[3] = (*children[3][:6], "berat?", *children[3][7:])  # weight
    children[6] = (*children[6][:5], "2023-01-01", *children[6][6:])  # measured before birth
    path = files.write_csv(tmp_path / "bad.csv", files.EPPGBM_HEADER, files.eppgbm_rows(children))
    summary = refused("eppgbm", str(path), "--kecamatan", GAMPING)
    problems = {(p["row"], p["column"]) for p in summary["problems"]}
    assert problems == {
        (3, "JK"),
        (4, "Tgl Lahir"),
        (5, "Berat"),
        (8, "Tanggal Pengukuran"),
    }
    assert DataValue.objects.count() == 0 and Upload.objects.count() == 0
    text = json.dumps(summary)
    assert not any(personal in text for personal in files.PERSONAL)


def test_an_eppgbm_export_without_desa_codes_needs_the_desa_or_the_kecamatan(
    setup: None,
) -> None:
    summary = refused("eppgbm", str(FIXTURES / "eppgbm_pengukuran.csv"))
    assert "--desa" in summary["message"]
    assert DataValue.objects.count() == 0


def test_an_unknown_desa_name_refuses_the_whole_file(setup: None, tmp_path: Path) -> None:
    children = list(files.EPPGBM_CHILDREN)
    children[0] = (*children[0][:4], "Atlantis", *children[0][5:])
    path = files.write_csv(tmp_path / "x.csv", files.EPPGBM_HEADER, files.eppgbm_rows(children))
    summary = refused("eppgbm", str(path), "--kecamatan", GAMPING)
    assert any("ATLANTIS" in p["message"].upper() for p in summary["problems"])
    assert DataValue.objects.count() == 0


OPENSID_EXPECTED = {
    "PDDK_L_0_4": 1, "PDDK_P_5_9": 1, "PDDK_L_10_14": 1, "PDDK_P_15_19": 1,
    "PDDK_L_75_PLUS": 1, "PDDK_P_40_44": 1, "PENDUDUK_JUMLAH": 6, "PDDK_5_6": 1,
    "PDDK_7_15": 1, "PDDK_7_18": 2,
}  # fmt: skip


def test_an_opensid_export_becomes_the_population_by_age_group_and_sex_of_the_desa(
    setup: None,
) -> None:
    summary = run(
        "opensid", str(FIXTURES / "opensid_penduduk.xlsx"), "--desa", BALECATUR, "--period", "2025"
    )
    stored = values()
    assert {k[1]: v for k, v in stored.items() if v} == OPENSID_EXPECTED
    assert len(stored) == 32 + 4  # every age group, zero or not, and the four totals
    assert {k[0] for k in stored} == {BALECATUR} and {k[2] for k in stored} == {"2025"}
    assert any("tidak dihitung" in note for note in summary["notes"])
    again = run(
        "opensid", str(FIXTURES / "opensid_penduduk.xlsx"), "--desa", BALECATUR, "--period", "2025"
    )
    assert again["counts"]["tetap"] == 36 and values() == stored


def test_an_opensid_export_needs_the_desa_it_comes_from(setup: None) -> None:
    summary = refused("opensid", str(FIXTURES / "opensid_penduduk.xlsx"))
    assert "--desa" in summary["message"]


def test_an_opensid_export_with_an_unreadable_birth_date_writes_nothing(
    setup: None, tmp_path: Path
) -> None:
    people = list(files.OPENSID_PEOPLE)
    people[2] = (*people[2][:3], "kemarin", people[2][4])
    people[4] = (*people[4][:2], "9", *people[4][3:])
    path = files.write_xlsx(tmp_path / "p.xlsx", files.OPENSID_HEADER, files.opensid_rows(people))
    summary = refused("opensid", str(path), "--desa", BALECATUR, "--period", "2025")
    assert {(p["row"], p["column"]) for p in summary["problems"]} == {
        (4, "tanggallahir"),
        (6, "sex"),
    }
    assert DataValue.objects.count() == 0


def test_no_nik_or_name_of_a_per_person_file_is_in_the_database_or_the_logs_afterwards(
    setup: None, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    out = StringIO()
    call_command(
        "importsource",
        "eppgbm",
        str(FIXTURES / "eppgbm_pengukuran.csv"),
        "--kecamatan",
        GAMPING,
        stdout=out,
        stderr=out,
    )
    call_command(
        "importsource",
        "opensid",
        str(FIXTURES / "opensid_penduduk.xlsx"),
        "--desa",
        BALECATUR,
        "--period",
        "2025",
        stdout=out,
        stderr=out,
    )
    assert DataValue.objects.exists()
    dump = _database_text()
    logged = caplog.text + out.getvalue() + "".join(capsys.readouterr())
    for personal in files.PERSONAL:
        assert personal not in dump, personal
        assert personal not in logged, personal
    for upload in Upload.objects.all():
        assert b"Bagas" not in bytes(upload.content) and b"3404011508240001" not in bytes(
            upload.content
        )


def _database_text() -> str:
    """Every text and binary column of every table, as one string."""
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - names from introspection
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        parts.append(bytes(value).decode("utf-8", "replace"))
                    elif value is not None:
                        parts.append(str(value))
    return "\n".join(parts)


def test_a_desa_code_of_an_earlier_edition_is_counted_for_todays_desa_and_said_so(
    setup: None,
) -> None:
    from regions.models import CodeChangeKind, RegionCodeChange

    RegionCodeChange.objects.create(
        old_code="34.04.19.2001",
        region_id=BALECATUR,
        kind=CodeChangeKind.MOVE,
        edition="Kepmendagri 2019",
        source="test",
    )
    summary = run(
        "opensid",
        str(FIXTURES / "opensid_penduduk.xlsx"),
        "--desa",
        "34.04.19.2001",
        "--period",
        "2025",
    )
    assert (
        "kode lama 34.04.19.2001 → 34.04.01.2001 (padanan tersimpan; baris 2)" in (summary["notes"])
    )
    assert {k[0] for k in values()} == {BALECATUR}
