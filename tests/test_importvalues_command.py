"""`importvalues`: formats and quirks, every row's fate, atomicity, idempotence, bad input."""

from __future__ import annotations

import getpass
import hashlib
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Action, AuditEvent
from datavalues.models import DataValue, ValueChange
from intake.models import RegionAlias, Status, Upload
from tests import intake_files
from tests.intake_files import FIXTURES

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(diy_regions: None, catalogue: None) -> None:
    """DIY regions and the catalogue."""


def run(path: Path, *args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("importvalues", str(path), "--json", *args, stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def refused(path: Path, *args: str) -> dict[str, Any]:
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("importvalues", str(path), "--json", *args, stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue()) if out.getvalue() else {}
    return result


def values() -> dict[tuple[str, str, str], float]:
    return {
        (v.region_id, v.element.code, v.period.code): v.value
        for v in DataValue.objects.select_related("element", "period")
    }


def written(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_a_long_csv_is_imported_with_history_rows_and_an_upload_record(setup: None) -> None:
    summary = run(FIXTURES / "long_basic.csv")
    assert summary["counts"]["baru"] == 3
    assert values() == {
        ("34.04.01.2001", "BUMIL_SASARAN", "2024"): 120,
        ("34.04.01.2001", "BUMIL_ANC", "2024"): 100,
        ("34.04.01.2002", "BUMIL_SASARAN", "2024"): 80,
    }
    assert ValueChange.objects.filter(how="file").count() == 3
    upload = Upload.objects.get()
    assert upload.status == Status.COMMITTED and upload.rows == 3 and len(upload.sha256) == 64
    assert DataValue.objects.get(element__code="BUMIL_ANC").source == "Puskesmas"


def test_the_command_says_on_stderr_how_many_values_it_writes_before_writing(
    setup: None,
) -> None:
    err = StringIO()
    call_command("importvalues", str(FIXTURES / "long_basic.csv"), stdout=StringIO(), stderr=err)
    assert "Menyimpan 3 nilai dalam satu transaksi" in err.getvalue()
    err = StringIO()  # the same file again: nothing changes, nothing to write
    call_command("importvalues", str(FIXTURES / "long_basic.csv"), stdout=StringIO(), stderr=err)
    assert "Menyimpan 0 nilai" in err.getvalue()


def test_reimporting_the_same_file_changes_nothing_and_adds_no_history(setup: None) -> None:
    run(FIXTURES / "long_basic.csv")
    before = (values(), ValueChange.objects.count())
    summary = run(FIXTURES / "long_basic.csv")
    assert summary["counts"]["tetap"] == 3 and summary["counts"]["baru"] == 0
    assert (values(), ValueChange.objects.count()) == before


def test_indonesian_quirks_bom_semicolons_decimal_comma_thousands_dots_and_blank_rows(
    setup: None,
) -> None:
    summary = run(FIXTURES / "long_indonesian.csv")
    assert summary["rows"] == 3
    assert values() == {
        ("34.04.01.2001", "BUMIL_SASARAN", "2024"): 1234,
        ("34.04.01.2002", "IDM_SKOR", "2024"): 0.7512,
        ("34.04.01.2003", "BLT_REALISASI_RP", "2024"): 12_500_000,
    }


def test_windows_1252_text_is_read(setup: None) -> None:
    run(FIXTURES / "long_cp1252.csv")
    assert values() == {("34.04.01.2001", "BUMIL_SASARAN", "2024"): 5}


def test_a_wide_csv_takes_the_period_from_the_option_and_skips_blank_cells(setup: None) -> None:
    summary = run(FIXTURES / "wide_basic.csv", "--period", "2024")
    assert summary["layout"] == "wide"
    assert values() == {
        ("34.04.01.2001", "BUMIL_SASARAN", "2024"): 120,
        ("34.04.01.2001", "BUMIL_ANC", "2024"): 100,
        ("34.04.01.2002", "BUMIL_SASARAN", "2024"): 80,
    }


def test_desa_are_matched_by_name_within_the_kecamatan_and_through_aliases(setup: None) -> None:
    RegionAlias.objects.create(region_id="34.04.01.2004", alias="Nogotirta")
    run(FIXTURES / "wide_by_name.csv", "--period", "2024", "--kecamatan", "34.04.01")
    assert values() == {
        ("34.04.01.2001", "BUMIL_SASARAN", "2024"): 10,
        ("34.04.01.2002", "BUMIL_SASARAN", "2024"): 20,
        ("34.04.01.2003", "BUMIL_SASARAN", "2024"): 30,
    }


def test_an_alias_naming_two_desa_is_an_ambiguity_error(setup: None, tmp_path: Path) -> None:
    RegionAlias.objects.create(region_id="34.04.01.2004", alias="Balecatur")
    summary = refused(FIXTURES / "wide_by_name.csv", "--period", "2024", "--kecamatan", "34.04.01")
    assert any("ambigu" in p["message"] and p["row"] == 2 for p in summary["problems"])
    assert values() == {}


def test_xlsx_number_and_date_cells_are_read(setup: None, tmp_path: Path) -> None:
    path = written(tmp_path, "a.xlsx", intake_files.xlsx_long_with_excel_cells())
    run(path)
    assert values() == {
        ("34.04.01.2001", "BUMIL_SASARAN", "2024"): 120,
        ("34.04.01.2001", "BALITA_DIUKUR", "2024-03"): 45,
    }


def test_preview_fates_new_changed_unchanged_and_dry_run_writes_nothing(
    setup: None, tmp_path: Path
) -> None:
    run(FIXTURES / "long_basic.csv")
    path = written(
        tmp_path,
        "b.csv",
        b"kode_wilayah,kode_data,periode,nilai\n"
        b"34.04.01.2001,BUMIL_SASARAN,2024,120\n"
        b"34.04.01.2002,BUMIL_SASARAN,2024,81\n"
        b"34.04.01.2003,BUMIL_SASARAN,2024,9\n"
        b"34.04.01.2004,BUMIL_SASARAN,2024,x\n",
    )
    history = ValueChange.objects.count()
    summary = refused(path, "--dry-run")
    assert summary["counts"] == {
        "baru": 1,
        "berubah": 1,
        "tetap": 1,
        "peringatan": 0,
        "galat": 1,
        "dihapus": 0,
    }
    assert ValueChange.objects.count() == history
    assert values()[("34.04.01.2002", "BUMIL_SASARAN", "2024")] == 80


def test_a_file_with_one_bad_row_changes_nothing(setup: None) -> None:
    summary = refused(FIXTURES / "one_bad_row.csv")
    assert [(p["row"], p["column"]) for p in summary["problems"]] == [(3, "nilai")]
    assert values() == {} and ValueChange.objects.count() == 0 and Upload.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "row", "column", "words"),
    [
        ("duplicated_rows.csv", 3, "nilai", "baris 2"),
        ("unknown_codes.csv", 2, "kode_wilayah", "bukan kode desa"),
        ("negative_count.csv", 2, "nilai", "negatif"),
        ("text_in_number.csv", 2, "nilai", "bukan bilangan"),
        ("future_period.csv", 2, "periode", "belum dimulai"),
        ("kelurahan_desa_only.csv", 2, "nilai", "kelurahan"),
    ],
)
def test_each_bad_row_gets_a_specific_message_naming_row_and_column(
    setup: None, name: str, row: int, column: str, words: str
) -> None:
    summary = refused(FIXTURES / name)
    assert any(
        p["row"] == row and p["column"] == column and words in p["message"]
        for p in summary["problems"]
    ), summary["problems"]
    assert values() == {} and ValueChange.objects.count() == 0


def test_an_unknown_element_code_is_named(setup: None) -> None:
    summary = refused(FIXTURES / "unknown_codes.csv")
    assert any(p["row"] == 3 and "TIDAK_ADA" in p["message"] for p in summary["problems"])


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "kosong"),
        (b"\x89PNG\r\n\x1a\nxxxx", "PNG"),
        (b"\x00\x01\x02binary", "biner"),
    ],
)
def test_empty_binary_and_renamed_image_files_are_refused(
    setup: None, tmp_path: Path, content: bytes | None, words: str
) -> None:
    path = FIXTURES / "empty.csv" if content is None else written(tmp_path, "x.xlsx", content)
    with pytest.raises(CommandError, match=words):
        call_command("importvalues", str(path), stdout=StringIO(), stderr=StringIO())
    assert values() == {}


def test_committed_bad_files_are_refused(setup: None) -> None:
    for name, words in (("renamed_image.xlsx", "PNG"), ("binary.csv", "biner")):
        with pytest.raises(CommandError, match=words):
            call_command("importvalues", str(FIXTURES / name), stdout=StringIO())


def test_a_zip_bomb_is_refused_from_its_directory_before_parsing(
    setup: None, tmp_path: Path
) -> None:
    path = written(tmp_path, "bomb.xlsx", intake_files.zip_bomb())
    assert path.stat().st_size < 1_000_000
    with pytest.raises(CommandError, match="bom zip"):
        call_command("importvalues", str(path), stdout=StringIO())


def test_a_file_over_the_size_limit_is_refused(setup: None, settings: Any) -> None:
    settings.INTAKE_MAX_UPLOAD_MB = 0
    with pytest.raises(CommandError, match="melebihi batas"):
        call_command("importvalues", str(FIXTURES / "long_basic.csv"), stdout=StringIO())


def test_formulas_are_refused_naming_the_cell_and_never_computed(
    setup: None, tmp_path: Path
) -> None:
    path = written(tmp_path, "f.xlsx", intake_files.xlsx_with_formula())
    with pytest.raises(CommandError, match="D2"):
        call_command("importvalues", str(path), stdout=StringIO())
    assert values() == {}


def test_openpyxl_refuses_xml_entities_because_defusedxml_is_installed() -> None:
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


@pytest.mark.parametrize(
    ("cell", "decimal_comma", "expected"),
    [
        ("1.234,5", None, 1234.5),
        ("1234,5", True, 1234.5),
        ("1.234", True, 1234),
        ("1.234", False, 1.234),
        ("0.854", None, 0.854),
        ("12.500.000", None, 12_500_000),
        ("1,234.5", None, 1234.5),
        (" 7 ", None, 7),
        (45.0, None, 45),
    ],
)
def test_numbers_are_read_in_indonesian_and_english_styles(
    cell: str | float, decimal_comma: bool | None, expected: float
) -> None:
    from intake.parsing import parse_number

    assert parse_number(cell, decimal_comma=decimal_comma) == expected


def test_a_committed_import_is_audited_with_the_os_user_file_hash_and_counts(
    setup: None,
) -> None:
    path = FIXTURES / "long_basic.csv"
    run(path)
    event = AuditEvent.objects.get(action=Action.IMPORT)
    assert event.username == getpass.getuser() and event.user_id is None
    assert event.detail["command"] == "importvalues"
    assert event.detail["file"] == "long_basic.csv"
    assert event.detail["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert event.detail["counts"] == {
        "baris": 3,
        "baru": 3,
        "berubah": 0,
        "tetap": 0,
        "dihapus": 0,
        "peringatan": 0,
    }


def test_a_dry_run_or_a_refused_import_is_not_audited_as_an_import(setup: None) -> None:
    run(FIXTURES / "long_basic.csv", "--dry-run")
    refused(FIXTURES / "one_bad_row.csv")
    assert not AuditEvent.objects.filter(action=Action.IMPORT).exists()


def wates_with_one_desa_far_below(tmp_path: Path) -> Path:
    """Kecamatan Wates, the whole kecamatan in one file: one desa far below the others."""
    rows = [
        f"34.01.02.200{d},{code},2024,{value}\n"
        for d, served in zip(range(1, 7), [80, 85, 90, 95, 100, 20], strict=True)
        for code, value in (("BUMIL_SASARAN", 100), ("BUMIL_ANC", served))
    ]
    return written(
        tmp_path, "wates.csv", ("kode_wilayah,kode_data,periode,nilai\n" + "".join(rows)).encode()
    )


def test_a_value_far_from_the_neighbouring_desa_is_a_warning_in_a_file(
    setup: None, tmp_path: Path
) -> None:
    path = wates_with_one_desa_far_below(tmp_path)
    summary = refused(path)
    [problem] = summary["problems"]
    assert (problem["row"], problem["column"], problem["severity"]) == (13, "nilai", "warning")
    assert "jauh berbeda dibanding desa tetangga" in problem["message"]
    assert summary["counts"]["peringatan"] == 1 and values() == {}
    run(path, "--accept-warnings")
    assert values()[("34.01.02.2006", "BUMIL_ANC", "2024")] == 20


# --- chunk boundaries: files bigger than one chunk (a chunk of 2 rows here) ------------


def long_file(tmp_path: Path, rows: list[str]) -> Path:
    body = "kode_wilayah,kode_data,periode,nilai\n" + "\n".join(rows) + "\n"
    return written(tmp_path, "chunks.csv", body.encode())


def table_state() -> tuple[object, ...]:
    from analytics.models import ElementRollup, IndicatorRollup

    return (
        values(),
        sorted(ValueChange.objects.values_list("region", "element", "period", "new_value")),
        Upload.objects.count(),
        sorted(ElementRollup.objects.values_list("region_code", "element", "period", "total")),
        sorted(IndicatorRollup.objects.values_list("region_code", "indicator", "period")),
    )


MIXED = [
    "34.04.01.2001,PENDUDUK_JUMLAH,2023,1000",
    "34.04.01.2002,PENDUDUK_JUMLAH,2023,900",
    "34.04.01.2003,PENDUDUK_JUMLAH,2023,800",
    "34.04.01.2001,BUMIL_SASARAN,2023,50",
    "34.04.01.2004,PENDUDUK_JUMLAH,2023,700",
    "34.04.01.2001,BUMIL_ANC,2023,40",
    "34.04.01.2005,PENDUDUK_JUMLAH,2023,600",
]


def test_a_duplicate_in_a_later_chunk_is_refused_naming_the_first_row(
    setup: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("datavalues.batch.CHUNK_ROWS", 2)
    summary = refused(long_file(tmp_path, [*MIXED, "34.04.01.2001,PENDUDUK_JUMLAH,2023,5"]))
    assert [(p["row"], "baris 2" in p["message"]) for p in summary["problems"]] == [(9, True)]
    assert summary["counts"]["galat"] == 1 and summary["counts"]["baru"] == 7
    assert DataValue.objects.count() == 0 and Upload.objects.count() == 0


def test_an_error_in_the_last_chunk_changes_nothing(
    setup: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(long_file(tmp_path, MIXED[:3]))
    before = table_state()
    monkeypatch.setattr("datavalues.batch.CHUNK_ROWS", 2)
    changed = [row.replace(",2023,", ",2024,") for row in MIXED]
    summary = refused(long_file(tmp_path, [*changed, "34.02.01.2002,PENDUDUK_JUMLAH,2024,-1"]))
    assert [p["row"] for p in summary["problems"]] == [9]
    assert table_state() == before


def test_fates_counts_and_written_values_do_not_depend_on_the_chunk_size(
    setup: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from intake.importing import plan_values
    from intake.parsing import open_table

    run(long_file(tmp_path, ["34.04.01.2002,PENDUDUK_JUMLAH,2023,899", *MIXED[3:5]]))
    rows = [
        *MIXED,  # new, changed (row 3) and unchanged (rows 5 and 6)
        "34.04.01.2003,PENDUDUK_JUMLAH,2023,801",  # duplicate of row 4
        "34.02.01.2002,BUMIL_ANC,2023,9",
        "34.02.01.2002,BUMIL_SASARAN,2023,8",  # fails the numerator of row 10 (other chunk)
        "99.99.99.9999,PENDUDUK_JUMLAH,2023,1",
    ]
    path = long_file(tmp_path, rows)

    def plan_of() -> tuple[int, dict[str, int], list[tuple[int, str, list[str], list[str]]]]:
        with path.open("rb") as stream:
            plan = plan_values(open_table(stream, size=path.stat().st_size), stage=False)
        assert [p.row for p in plan.problems] == sorted(f.row for f in plan.fates if f.reasons)
        return (
            plan.rows,
            plan.counts,
            [(f.row, f.fate.value, f.reasons, f.changes) for f in plan.fates],
        )

    whole = plan_of()
    monkeypatch.setattr("datavalues.batch.CHUNK_ROWS", 2)
    assert plan_of() == whole
    fates = {row: (fate, reasons) for row, fate, reasons, _ in whole[2]}
    assert [fates[n][0] for n in (2, 3, 5, 6)] == ["baru", "berubah", "tetap", "tetap"]
    assert [fates[n][0] for n in (9, 10, 11, 12)] == ["galat", "galat", "baru", "galat"]
    assert "baris 4" in fates[9][1][0] and "melebihi" in fates[10][1][0]


def test_a_pair_split_across_chunks_compares_with_the_file_not_the_stored_value(
    setup: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(long_file(tmp_path, ["34.04.01.2001,BUMIL_SASARAN,2023,10"]))
    monkeypatch.setattr("datavalues.batch.CHUNK_ROWS", 2)
    run(long_file(tmp_path, ["34.04.01.2001,BUMIL_ANC,2023,40", *MIXED[:3], MIXED[3]]))
    assert values()[("34.04.01.2001", "BUMIL_ANC", "2023")] == 40


def test_a_big_file_rebuilds_the_rollups_of_its_area_and_they_equal_a_full_rebuild(
    setup: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analytics.rollups import rebuild_rollups

    monkeypatch.setattr("datavalues.batch.CHUNK_ROWS", 2)
    monkeypatch.setattr("datavalues.writing.DELTAS_AT_MOST", 2)
    run(long_file(tmp_path, MIXED))
    run(long_file(tmp_path, [*MIXED[3:], "34.02.01.2001,PENDUDUK_JUMLAH,2023,5"]))
    run(long_file(tmp_path, [row.replace(",2023,", ",2023,1") for row in MIXED]))
    assert ValueChange.objects.count() == 7 + 1 + 7
    assert rebuild_rollups().total_corrected == 0
    monkeypatch.setattr("datavalues.writing.DELTAS_AT_MOST", 1000)  # a third or more: rebuilt
    run(long_file(tmp_path, [row.replace(",2023,", ",2022,") for row in MIXED]))
    assert rebuild_rollups().total_corrected == 0


def test_history_rows_of_a_command_import_name_its_upload(setup: None) -> None:
    run(FIXTURES / "long_basic.csv")
    assert set(ValueChange.objects.values_list("upload", flat=True)) == {Upload.objects.get().pk}


@pytest.mark.django_db(transaction=True)
def test_a_sqlite_import_checks_each_parent_once_and_turns_key_enforcement_back_on(
    setup: None, tmp_path: Path
) -> None:
    from django.db import connection

    run(FIXTURES / "long_basic.csv")
    assert DataValue.objects.count() == 3 and ValueChange.objects.count() == 3
    # Refused inside the write transaction: a warning not confirmed.
    path = wates_with_one_desa_far_below(tmp_path)
    assert refused(path)["counts"]["peringatan"] == 1
    assert DataValue.objects.count() == 3
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
            cursor.execute("PRAGMA foreign_key_check")
            assert cursor.fetchall() == []


def test_a_small_plan_never_switches_the_garbage_collector_off(
    setup: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from django.db import transaction

    from intake import importing
    from intake.parsing import Table

    calls: list[str] = []
    monkeypatch.setattr(gc, "disable", lambda: calls.append("disable"))
    rows: Any = iter([(2, ["34.04.01.2001", "BUMIL_SASARAN", "2024", "7"])])
    table = Table(kind="csv", header=["kode_wilayah", "kode_data", "periode", "nilai"], rows=rows)
    plan = importing.plan_values(table)
    with transaction.atomic():
        importing.write_plan(plan, by=None, accept_warnings=True)
    assert values() == {("34.04.01.2001", "BUMIL_SASARAN", "2024"): 7}
    assert calls == [] and gc.isenabled()
