"""Every importer resolves desa codes of earlier editions through the one crosswalk
(regions.crosswalk.OldCodes) and says so per row: values files (command and /impor/
preview), APBDes files (command and /impor/apbdes/ preview) and the source adapters. A
split or merged old code, or a retired code with no successor, is a row error that says
so, and nothing of the file is written."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import Role
from datavalues.models import DataValue
from intake.models import Status, Upload
from planning.models import BudgetLine
from regions.models import CodeChangeKind, Region, RegionCodeChange
from tests.cast import Cast, cast_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

BALECATUR = "34.04.01.2001"
AMBARKETAWANG = "34.04.01.2002"
OLD = "34.04.19.2001"  # an earlier edition's code of Balecatur
SPLIT = "34.04.19.2002"  # split into Balecatur and Ambarketawang
MERGED = "34.04.19.2003"  # merged into Ambarketawang with another old desa


def crosswalk(kind: str, old: str, *regions: str) -> None:
    for region in regions:
        RegionCodeChange.objects.create(
            old_code=old, region_id=region, kind=kind, edition="Kepmendagri 2019", source="uji"
        )


@pytest.fixture
def old_codes(diy_regions: None, catalogue: None) -> None:
    crosswalk(CodeChangeKind.MOVE, OLD, BALECATUR)
    crosswalk(CodeChangeKind.SPLIT, SPLIT, BALECATUR, AMBARKETAWANG)
    crosswalk(CodeChangeKind.MERGE, MERGED, AMBARKETAWANG)
    crosswalk(CodeChangeKind.MERGE, "34.04.19.2004", AMBARKETAWANG)


def written(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def command(name: str, path: Path, *args: str, fails: bool = False) -> dict[str, Any]:
    out = StringIO()
    if fails:
        with pytest.raises(CommandError):
            call_command(name, str(path), "--json", *args, stdout=out, stderr=StringIO())
    else:
        call_command(name, str(path), "--json", *args, stdout=out, stderr=StringIO())
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


VALUES = "kode_wilayah,kode_data,periode,nilai\n"
APBDES = "kode_desa,tahun,kode_kegiatan,nama_kegiatan,sumber_dana,anggaran,realisasi\n"


# -- values files -------------------------------------------------------------------------


def test_a_values_row_with_an_old_code_is_written_to_todays_desa_and_said_so(
    old_codes: None, tmp_path: Path
) -> None:
    path = written(
        tmp_path,
        "v.csv",
        VALUES + f"{OLD},BUMIL_SASARAN,2024,120\n{AMBARKETAWANG},BUMIL_SASARAN,2024,80\n",
    )
    summary = command("importvalues", path)

    assert summary["old_codes"] == [{"row": 2, "old_code": OLD, "code": BALECATUR}]
    stored = dict(DataValue.objects.values_list("region_id", "value"))
    assert stored == {BALECATUR: 120.0, AMBARKETAWANG: 80.0}
    out = StringIO()
    call_command("importvalues", str(path), "--dry-run", stdout=out, stderr=StringIO())
    assert f"baris 2: kode lama {OLD} → {BALECATUR}" in out.getvalue()
    assert command("importvalues", path)["counts"]["tetap"] == 2  # a re-import changes nothing


def test_a_split_or_merged_old_code_is_a_row_error_and_nothing_is_written(
    old_codes: None, tmp_path: Path
) -> None:
    path = written(
        tmp_path,
        "v.csv",
        VALUES
        + f"{AMBARKETAWANG},BUMIL_SASARAN,2024,80\n{SPLIT},BUMIL_SASARAN,2024,1\n"
        + f"{MERGED},BUMIL_SASARAN,2024,2\n",
    )
    summary = command("importvalues", path, fails=True)

    messages = {p["row"]: p["message"] for p in summary["problems"]}
    assert messages[3] == (
        f"kode lama {SPLIT} dimekarkan menjadi {BALECATUR}, {AMBARKETAWANG}: tidak bisa "
        "dipindahkan otomatis; pakai kode wilayah yang berlaku"
    )
    assert f"kode lama {MERGED} digabung ke {AMBARKETAWANG}" in messages[4]
    assert not DataValue.objects.exists()


def test_a_retired_desa_code_without_successor_takes_no_values(
    old_codes: None, tmp_path: Path
) -> None:
    Region.objects.filter(code="34.04.01.2003").update(retired_in="Kepmendagri 2030")
    path = written(tmp_path, "v.csv", VALUES + "34.04.01.2003,BUMIL_SASARAN,2024,5\n")

    summary = command("importvalues", path, fails=True)

    assert summary["problems"][0]["message"] == (
        "kode 34.04.01.2003 tidak berlaku lagi sejak Kepmendagri 2030 dan tidak ada padanan "
        "kode barunya; pakai kode wilayah yang berlaku"
    )
    assert not DataValue.objects.exists()


def test_the_values_preview_on_the_web_says_kode_lama_on_the_row_and_confirms_to_todays_desa(
    cast: Cast, catalogue: None
) -> None:
    crosswalk(CodeChangeKind.MOVE, OLD, BALECATUR)
    client = cast.client(Role.KECAMATAN)
    content = (VALUES + f"{OLD},BUMIL_SASARAN,2024,120\n").encode()
    response = client.post("/impor/", {"file": SimpleUploadedFile("v.csv", content)})
    assert response.status_code == 302
    upload = Upload.objects.latest("id")
    assert upload.status == Status.PREVIEWED

    page = client.get(f"/impor/{upload.pk}/").content.decode()
    assert f"kode lama {OLD} → {BALECATUR}" in page

    assert client.post(f"/impor/{upload.pk}/konfirmasi/").status_code == 302
    assert list(DataValue.objects.values_list("region_id", "value")) == [(BALECATUR, 120.0)]


# -- APBDes files -------------------------------------------------------------------------


def test_an_apbdes_line_with_an_old_code_goes_to_todays_desa_and_said_so(
    old_codes: None, tmp_path: Path
) -> None:
    path = written(tmp_path, "a.csv", APBDES + f"{OLD},2025,2.2.02,Posyandu,DD,45000000,\n")

    summary = command("importapbdes", path)

    assert summary["old_codes"] == [{"row": 2, "old_code": OLD, "code": BALECATUR}]
    assert list(BudgetLine.objects.values_list("desa_id", "budget_rp")) == [(BALECATUR, 45_000_000)]
    assert command("importapbdes", path)["unchanged"] == 1


def test_an_apbdes_line_with_a_split_old_code_is_refused_with_the_reason(
    old_codes: None, tmp_path: Path
) -> None:
    path = written(
        tmp_path,
        "a.csv",
        APBDES
        + f"{BALECATUR},2025,2.1.01,PAUD,ADD,20000000,\n{SPLIT},2025,2.2.02,Posyandu,DD,1,\n",
    )

    summary = command("importapbdes", path, fails=True)

    assert summary["problems"] == [
        {
            "row": 3,
            "column": "kode_desa",
            "message": f"kode lama {SPLIT} dimekarkan menjadi {BALECATUR}, {AMBARKETAWANG}: "
            "tidak bisa dipindahkan otomatis; pakai kode wilayah yang berlaku",
        }
    ]
    assert not BudgetLine.objects.exists()


def test_the_apbdes_preview_on_the_web_says_kode_lama_on_the_row(cast: Cast) -> None:
    crosswalk(CodeChangeKind.MOVE, OLD, BALECATUR)
    client: Client = cast.client(Role.KECAMATAN)
    content = (APBDES + f"{OLD},2025,2.2.02,Posyandu,DD,45000000,\n").encode()
    response = client.post(
        "/impor/apbdes/", {"file": SimpleUploadedFile("a.csv", content), "stage": "final"}
    )
    assert response.status_code == 302
    upload = Upload.objects.latest("id")

    page = client.get(f"/impor/apbdes/{upload.pk}/").content.decode()
    assert f"kode lama {OLD} → {BALECATUR}" in page and "fate-baru" in page

    assert client.post(f"/impor/apbdes/{upload.pk}/konfirmasi/").status_code == 302
    assert list(BudgetLine.objects.values_list("desa_id", flat=True)) == [BALECATUR]


# -- source adapters ----------------------------------------------------------------------


def test_a_source_file_of_a_split_old_desa_code_is_refused_with_the_reason(
    old_codes: None,
) -> None:
    fixtures = Path(__file__).resolve().parent / "fixtures" / "sources"
    out = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "importsource",
            "opensid",
            str(fixtures / "opensid_penduduk.xlsx"),
            "--desa",
            SPLIT,
            "--period",
            "2025",
            "--json",
            stdout=out,
            stderr=StringIO(),
        )
    summary = json.loads(out.getvalue())
    assert any(f"kode lama {SPLIT} dimekarkan menjadi" in p["message"] for p in summary["problems"])
    assert not DataValue.objects.exists()


def test_a_source_file_of_a_moved_desa_code_is_counted_for_todays_desa(old_codes: None) -> None:
    fixtures = Path(__file__).resolve().parent / "fixtures" / "sources"
    out = StringIO()
    call_command(
        "importsource",
        "opensid",
        str(fixtures / "opensid_penduduk.xlsx"),
        "--desa",
        OLD,
        "--period",
        "2025",
        "--json",
        stdout=out,
        stderr=StringIO(),
    )
    summary = json.loads(out.getvalue())
    assert any(note.startswith(f"kode lama {OLD} → {BALECATUR}") for note in summary["notes"])
    assert set(DataValue.objects.values_list("region_id", flat=True)) == {BALECATUR}


def test_the_notes_and_refusals_are_in_english_for_an_english_user(old_codes: None) -> None:
    from django.utils import translation

    from regions.crosswalk import OldCodes

    with translation.override("en"):
        codes = OldCodes()
        moved, split = codes.resolve(OLD), codes.resolve(SPLIT)
        assert moved is not None and split is not None
        assert moved.note == f"old code {OLD} → {BALECATUR}"
        assert split.problem == (
            f"old code {SPLIT} was split into {BALECATUR}, {AMBARKETAWANG}: it cannot be "
            "moved automatically; use a current region code"
        )


def test_the_values_api_writes_an_old_code_to_todays_desa_and_says_so_per_item(
    cast: Cast, catalogue: None
) -> None:
    crosswalk(CodeChangeKind.MOVE, OLD, BALECATUR)
    body = {
        "values": [
            {"kode_wilayah": OLD, "kode_data": "BUMIL_SASARAN", "periode": "2024", "nilai": 9}
        ]
    }
    response = Client().post(
        "/api/v1/datavalues",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {cast.tokens[Role.KECAMATAN]}"},
    )

    assert response.status_code == 200, response.content
    item = response.json()["items"][0]
    assert item["status"] == "baru" and item["messages"][0] == f"kode lama {OLD} → {BALECATUR}"
    assert list(DataValue.objects.values_list("region_id", "value")) == [(BALECATUR, 9.0)]
