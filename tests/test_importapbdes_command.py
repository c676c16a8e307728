"""`importapbdes`: Siskeudes-style budget lines, all-or-nothing, idempotent, sectors."""

from __future__ import annotations

import getpass
import hashlib
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Action, AuditEvent
from planning.models import BudgetLine
from tests.intake_files import FIXTURES

pytestmark = pytest.mark.django_db


def run(name: str, *args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("importapbdes", str(FIXTURES / name), "--json", *args, stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def test_lines_are_imported_with_indonesian_amounts_and_empty_realisation(
    diy_regions: None,
) -> None:
    summary = run("apbdes_siskeudes.csv")
    assert summary["created"] == 3
    posyandu = BudgetLine.objects.get(kegiatan_code="2.2.02")
    assert (posyandu.budget_rp, posyandu.realised_rp, posyandu.fund_source) == (
        45_000_000,
        30_500_000,
        "DD",
    )
    assert BudgetLine.objects.get(kegiatan_code="2.1.01").realised_rp is None
    assert BudgetLine.objects.get(kegiatan_code="3.3.05").fund_source == "BANKEU"
    # Posyandu (2.2.02) counts as nutrition, PAUD (2.1.01) as education (DOMAIN.md 3.2).
    assert summary["sectors"]["gizi"] == 1 and summary["sectors"]["pendidikan"] == 1


def test_reimport_changes_nothing(diy_regions: None) -> None:
    run("apbdes_siskeudes.csv")
    before = list(BudgetLine.objects.values_list("id", "updated_at").order_by("id"))
    summary = run("apbdes_siskeudes.csv")
    assert summary["unchanged"] == 3 and summary["created"] == summary["updated"] == 0
    assert list(BudgetLine.objects.values_list("id", "updated_at").order_by("id")) == before


def test_each_bad_line_is_named_and_nothing_is_written(diy_regions: None) -> None:
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("importapbdes", str(FIXTURES / "apbdes_bad.csv"), "--json", stdout=out)
    problems = {(p["row"], p["column"]) for p in json.loads(out.getvalue())["problems"]}
    assert problems == {
        (3, "kode_desa"),
        (4, "kode_kegiatan"),
        (5, "sumber_dana"),
        (6, "anggaran"),
    }
    assert not BudgetLine.objects.exists()


def test_a_committed_import_is_audited_with_the_os_user_file_hash_and_counts(
    diy_regions: None,
) -> None:
    run("apbdes_siskeudes.csv")
    run("apbdes_siskeudes.csv")
    first, second = AuditEvent.objects.filter(action=Action.IMPORT).order_by("id")
    assert first.username == getpass.getuser() and first.detail["command"] == "importapbdes"
    assert first.detail["file"] == "apbdes_siskeudes.csv"
    assert (
        first.detail["sha256"]
        == hashlib.sha256((FIXTURES / "apbdes_siskeudes.csv").read_bytes()).hexdigest()
    )
    assert first.detail["counts"] == {"baris": 3, "baru": 3, "berubah": 0, "tetap": 0}
    assert first.region_code == "34.04.01"
    assert second.detail["counts"] == {"baris": 3, "baru": 0, "berubah": 0, "tetap": 3}


def test_a_dry_run_or_a_refused_import_is_not_audited(diy_regions: None) -> None:
    run("apbdes_siskeudes.csv", "--dry-run")
    with pytest.raises(CommandError):
        call_command("importapbdes", str(FIXTURES / "apbdes_bad.csv"), stdout=StringIO())
    assert not AuditEvent.objects.exists()
