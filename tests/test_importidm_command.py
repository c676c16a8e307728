"""`importidm` with the public Kemendes IDM 2024 files (skipped without DASHKEC_REAL_DATA)."""

from __future__ import annotations

import csv
import getpass
import hashlib
import json
from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from accounts.models import Action, AuditEvent
from datavalues.models import DataValue, ValueChange
from intake.models import Upload
from tests.intake_files import xlsx

pytestmark = pytest.mark.django_db

MAJU = ("MANDIRI", "MAJU")
OTHERS = ("BERKEMBANG", "TERTINGGAL", "SANGAT TERTINGGAL")


def run(path: Path) -> dict[str, Any]:
    out = StringIO()
    call_command("importidm", str(path), "--json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def recap(real_data: Path) -> dict[str, dict[str, int]]:
    sheet = CalamineWorkbook.from_path(
        str(real_data / "idm" / "rekap-indeks-desa-membangun-tahun-2024.xlsx")
    ).get_sheet_by_index(0)
    rows = sheet.to_python()
    header = [str(h) for h in rows[0]]
    return {
        str(r[0]): {h: int(float(str(v))) for h, v in zip(header[1:], r[1:], strict=False)}
        for r in rows[1:]
        if r[0] and r[0] != "TOTAL"
    }


def stored_status_counts() -> dict[str, tuple[int, int]]:
    """Per province code: (desa stored as maju/mandiri, desa stored as below maju)."""
    counts: dict[str, tuple[int, int]] = {}
    for value in DataValue.objects.filter(element__code="IDM_MAJU_MANDIRI").values(
        "region_id", "value"
    ):
        yes, no = counts.get(value["region_id"][:2], (0, 0))
        counts[value["region_id"][:2]] = (yes + 1, no) if value["value"] else (yes, no + 1)
    return counts


def check_against_recap(real_data: Path, path: Path, unmatched: set[str]) -> None:
    names: dict[str, str] = {}
    unmatched_status: Counter[tuple[str, str]] = Counter()
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            names[row["nama_provinsi"]] = row["kode_provinsi"]
            if row["kode_desa"] in unmatched:
                unmatched_status[(row["kode_provinsi"], row["status_idm_2024"])] += 1
    stored = stored_status_counts()
    for province, counts in recap(real_data).items():
        if province not in names:
            continue
        code = names[province]
        expected_yes = sum(counts[s] - unmatched_status[(code, s)] for s in MAJU)
        expected_no = sum(counts[s] - unmatched_status[(code, s)] for s in OTHERS)
        assert stored.get(code, (0, 0)) == (expected_yes, expected_no), province


def test_the_diy_file_imports_392_desa_whose_statuses_equal_the_recap(
    real_data: Path, diy_regions: None, catalogue: None
) -> None:
    path = real_data / "idm" / "idm_2024_desa_34_diy.csv"
    summary = run(path)
    assert summary["rows"] == 392 and summary["unmatched"] == 0 and summary["skipped"] == []
    assert DataValue.objects.filter(period__code="2024").count() == 392 * 6
    assert stored_status_counts() == {"34": (355 + 37, 0)}
    check_against_recap(real_data, path, set())
    jangkaran = DataValue.objects.get(region_id="34.01.01.2001", element__code="IDM_SKOR")
    assert jangkaran.value == pytest.approx(0.8783) and jangkaran.source == "Kemendes IDM"
    history = ValueChange.objects.count()
    again = run(path)
    assert again["unchanged"] == 392 * 6 and ValueChange.objects.count() == history
    assert Upload.objects.filter(kind="idm").count() == 2


def test_the_official_xlsx_layout_with_undotted_codes_is_read(
    diy_regions: None, catalogue: None, tmp_path: Path
) -> None:
    path = tmp_path / "idm.xlsx"
    path.write_bytes(
        xlsx(
            [
                [
                    "KODE_DESA",
                    "NAMA_DESA",
                    "IKS_2024",
                    "IKE_2024",
                    "IKL_2024",
                    "NILAI_IDM_2024",
                    "STATUS_IDM_2024",
                ],
                ["3401012001", "JANGKARAN", 0.8514, 0.85, 0.9333, 0.8783, "MANDIRI"],
                ["9999012001", "ENTAH", 0.5, 0.5, 0.5, 0.5, "BERKEMBANG"],
            ]
        )
    )
    summary = run(path)
    assert summary["unmatched_codes"] == ["99.99.01.2001"]
    assert DataValue.objects.get(element__code="IDM_MAJU_MANDIRI").value == 1


def test_a_committed_import_is_audited_with_the_os_user_file_hash_and_counts(
    diy_regions: None, catalogue: None, tmp_path: Path
) -> None:
    path = tmp_path / "idm_kecil.xlsx"
    path.write_bytes(
        xlsx(
            [
                [
                    "KODE_DESA",
                    "IKS_2024",
                    "IKE_2024",
                    "IKL_2024",
                    "NILAI_IDM_2024",
                    "STATUS_IDM_2024",
                ],
                ["3401012001", 0.8514, 0.85, 0.9333, 0.8783, "MANDIRI"],
                ["9999012001", 0.5, 0.5, 0.5, 0.5, "BERKEMBANG"],
            ]
        )
    )
    call_command("importidm", str(path), "--dry-run", stdout=StringIO())
    assert not AuditEvent.objects.exists()
    run(path)
    event = AuditEvent.objects.get(action=Action.IMPORT)
    assert event.username == getpass.getuser() and event.detail["command"] == "importidm"
    assert event.detail["file"] == "idm_kecil.xlsx"
    assert event.detail["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert event.detail["counts"] == {
        "baris": 2,
        "baru": 6,  # IKS, IKE, IKL, score, maju-or-mandiri, official class
        "berubah": 0,
        "tetap": 0,
        "tidak_dikenal": 1,
    }
