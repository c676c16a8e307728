"""Codes of earlier editions: `importidm --match-names` finds the desa by name, stores the
match, later imports use it and say so per row, and every left-over code is listed."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from accounts.models import Role
from datavalues.models import DataValue
from intake.models import IdmLeftover, Upload
from regions.crosswalk import norm_name
from regions.models import CodeChangeKind, RegionCodeChange
from tests.cast import Cast, cast_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

HEADER = (
    "kode_desa,kode_provinsi,nama_provinsi,kode_kabupaten,nama_kabupaten,kode_kecamatan,"
    "nama_kecamatan,nama_desa,iks_2024,ike_2024,ikl_2024,nilai_idm_2024,status_idm_2024\n"
)


def idm_file(tmp_path: Path, rows: list[tuple[str, str, str]]) -> Path:
    """Rows of (code, desa name, status) in the flattened Kemendes IDM layout."""
    lines = [
        f"{code},34,DI YOGYAKARTA,{code[:5]},SLEMAN,{code[:8]},GAMPING,{name},0.8,0.7,0.6,"
        f"0.7,{status}\n"
        for code, name, status in rows
    ]
    path = tmp_path / "idm.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def run(path: Path, *args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("importidm", str(path), "--json", *args, stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def stored(element: str = "IDM_SKOR") -> set[str]:
    return set(DataValue.objects.filter(element__code=element).values_list("region_id", flat=True))


def test_names_compare_without_case_spaces_punctuation_or_a_desa_prefix() -> None:
    assert norm_name("Desa Sendang-Adi ") == norm_name("SENDANGADI") == "sendangadi"
    assert norm_name("Kampung Aimas") == norm_name("AIMAS")


def test_a_plain_import_lists_every_unknown_code_not_only_the_first_fifty(
    diy_regions: None, catalogue: None, tmp_path: Path
) -> None:
    unknown = [(f"34.04.99.{2001 + i}", f"NOWHERE {i}", "MAJU") for i in range(60)]
    summary = run(idm_file(tmp_path, [("34.04.01.2001", "BALECATUR", "MAJU"), *unknown]))
    assert summary["unmatched"] == 60
    assert summary["unknown_codes"] == [code for code, _n, _s in unknown]
    assert summary["unmatched_rows"][0]["reason"].startswith("kode tidak dikenal")
    assert stored() == {"34.04.01.2001"}


def test_match_names_maps_an_old_code_to_the_only_desa_of_that_name_in_the_kabupaten(
    diy_regions: None, catalogue: None, tmp_path: Path
) -> None:
    path = idm_file(
        tmp_path,
        [
            ("34.04.19.2001", "Desa Balecatur", "MANDIRI"),  # Sleman: one Balecatur
            ("34.04.19.2002", "NOWHERE", "MAJU"),
            ("34.01.19.2001", "BALECATUR", "MAJU"),  # Kulon Progo has no Balecatur
        ],
    )
    summary = run(path, "--match-names")
    assert summary["resolved"] == [
        {
            "row": 2,
            "old_code": "34.04.19.2001",
            "code": "34.04.01.2001",
            "how": "cocok nama baru",
        }
    ]
    assert summary["unknown_codes"] == ["34.04.19.2002", "34.01.19.2001"]
    assert stored() == {"34.04.01.2001"}
    change = RegionCodeChange.objects.get()
    assert (change.old_code, change.region_id, change.kind, change.name_match) == (
        "34.04.19.2001",
        "34.04.01.2001",
        CodeChangeKind.MOVE,
        True,
    )
    assert change.edition == "Kemendes IDM 2024" and change.old_name == "Desa Balecatur"


def test_a_later_plain_import_uses_the_stored_match_and_says_so_per_row(
    diy_regions: None, catalogue: None, tmp_path: Path
) -> None:
    path = idm_file(tmp_path, [("34.04.19.2001", "BALECATUR", "MANDIRI")])
    run(path, "--match-names")
    out = StringIO()
    call_command("importidm", str(path), stdout=out)
    assert "baris 2: 34.04.19.2001 → 34.04.01.2001 (padanan tersimpan, cocok nama)" in (
        out.getvalue()
    )
    again = run(path)
    assert again["unmatched"] == 0 and again["unchanged"] == 6  # IKS, IKE, IKL, IDM, maju, kelas
    assert RegionCodeChange.objects.count() == 1


def test_a_dry_run_with_match_names_stores_no_match(
    diy_regions: None, catalogue: None, tmp_path: Path
) -> None:
    path = idm_file(tmp_path, [("34.04.19.2001", "BALECATUR", "MANDIRI")])
    summary = run(path, "--match-names", "--dry-run")
    assert len(summary["resolved"]) == 1
    assert not RegionCodeChange.objects.exists() and not DataValue.objects.exists()


def test_a_row_whose_code_now_belongs_to_another_named_desa_yields_to_the_row_with_that_name(
    diy_regions: None, catalogue: None, tmp_path: Path
) -> None:
    # 34.04.01.2002 is Ambarketawang today; the file uses it for a desa of another name
    # and gives Ambarketawang an old code: the named row keeps the desa.
    path = idm_file(
        tmp_path,
        [
            ("34.04.01.2002", "KLASIGI", "MAJU"),
            ("34.04.19.2005", "AMBARKETAWANG", "MANDIRI"),
        ],
    )
    summary = run(path, "--match-names")
    assert [r["old_code"] for r in summary["resolved"]] == ["34.04.19.2005"]
    assert summary["unmatched_codes"] == ["34.04.01.2002"] and summary["unknown_codes"] == []
    assert "sudah diisi baris 3" in summary["unmatched_rows"][0]["reason"]
    value = DataValue.objects.get(region_id="34.04.01.2002", element__code="IDM_MAJU_MANDIRI")
    assert value.value == 1.0  # MANDIRI, from the row named Ambarketawang


def test_the_command_keeps_its_leftovers_and_replaces_only_those_of_its_provinces(
    diy_regions: None, catalogue: None, tmp_path: Path
) -> None:
    other = Upload.objects.create(kind="idm", file_name="x", sha256="0" * 64, size=1)
    IdmLeftover.objects.create(upload=other, year=2024, row=9, code="11.01.99.2001", reason="x")
    IdmLeftover.objects.create(upload=other, year=2024, row=9, code="34.04.98.2001", reason="x")
    path = idm_file(
        tmp_path, [("34.04.01.2001", "BALECATUR", "MAJU"), ("34.04.99.2001", "NOWHERE", "MAJU")]
    )
    summary = run(path)
    assert summary["unmatched_codes"] == ["34.04.99.2001"]
    kept = IdmLeftover.objects.order_by("code")
    assert [(u.code, u.kabupaten, u.reason[:18]) for u in kept] == [
        ("11.01.99.2001", "", "x"),  # another province: not this file's
        ("34.04.99.2001", "SLEMAN", "kode tidak dikenal"),
    ]
    assert kept[1].upload.kind == "idm" and kept[1].upload_id != other.pk


@pytest.mark.slow
def test_the_national_file_with_match_names_leaves_at_most_550_unknown_codes_and_a_plain_import_reuses_the_matches(
    real_data: Path, national_regions: None, catalogue: None
) -> None:
    """The national IDM 2024 file (one import of it costs half a minute, so the plain
    import's own checks ride on the same data): ~795 codes are absent from the 2025 list,
    --match-names recovers at least 245 of them, and the class counts per province equal
    the official recap for the desa that were matched."""
    from tests.test_importidm_command import check_against_recap

    path = real_data / "idm" / "idm_2024_desa.csv"
    summary = run(path, "--match-names")
    assert summary["rows"] == 75_265
    assert 700 <= len(summary["unknown_codes"]) + len(summary["resolved"]) <= 900
    assert len(summary["unknown_codes"]) <= 550
    assert len(summary["resolved"]) >= 245
    assert summary["name_matches_stored"] == len(summary["resolved"])
    assert len(summary["unmatched_rows"]) == summary["unmatched"]  # every one, in full
    check_against_recap(real_data, path, set(summary["unmatched_codes"]))
    imported = 75_265 - summary["unmatched"] - len(summary["skipped"])
    assert DataValue.objects.filter(element__code="IDM_SKOR").count() == imported
    assert not DataValue.objects.filter(region__kind="kelurahan").exists()
    again = run(path)
    assert {r["how"] for r in again["resolved"]} == {"padanan tersimpan, cocok nama"}
    assert again["unknown_codes"] == summary["unknown_codes"]
    assert again["created"] == 0 and again["updated"] == 0


def test_old_codes_and_names_are_found_by_the_region_search_and_shown_on_the_region_page(
    cast: Cast,
) -> None:
    RegionCodeChange.objects.create(
        old_code="34.04.19.2001",
        old_name="BALECATUR LAMA",
        region_id="34.04.01.2001",
        kind=CodeChangeKind.MOVE,
        edition="Kemendes IDM 2024",
        source="test",
        name_match=True,
    )
    client = cast.client(Role.KECAMATAN)  # Gamping: Balecatur is in scope
    by_code = client.get("/wilayah/cari", {"q": "3404192001"}).content.decode()
    assert "34.04.19.2001" in by_code and "/wilayah/34.04.01.2001/" in by_code
    by_name = client.get("/wilayah/cari", {"q": "balecatur lama"}).content.decode()
    assert "BALECATUR LAMA" in by_name
    outside = cast.client(Role.VIEWER).get("/wilayah/cari", {"q": "balecatur lama"})
    assert "BALECATUR LAMA" not in outside.content.decode()  # not in the viewer's scope
    page = client.get("/wilayah/34.04.01.2001/").content.decode()
    assert "34.04.19.2001" in page and "Kemendes IDM 2024" in page
