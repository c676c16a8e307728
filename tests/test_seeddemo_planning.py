"""Sample planning records: every kabupaten page of the demo shows something, marked contoh."""

from __future__ import annotations

import csv
import io
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from datavalues.approval import PeriodApproval
from planning.cohorts import Cohort
from planning.evaluation import ApbdesEvaluation
from planning.followups import FollowUp
from planning.proposals import Proposal
from regions.models import Level, Region
from tests.test_kabupaten_pages import client_for

SLEMAN = "34.04"


@pytest.fixture
def seeded(sleman_planning_data: None) -> None:
    """Sleman's sample values with last year among them, APBDes lines of last year and this
    year, and `seeddemoplanning` (built once per test process: tests/shared_data.py)."""


def _kecamatan(model: Any, field: str) -> set[str]:
    return {code[:8] for code in model.objects.values_list(field, flat=True)}


def test_sample_records_fill_several_kecamatan_of_sleman_marked_contoh(seeded: None) -> None:
    for model, field in (
        (FollowUp, "desa_id"),
        (Proposal, "desa_id"),
        (ApbdesEvaluation, "desa_id"),
        (PeriodApproval, "region_id"),
    ):
        assert len(_kecamatan(model, field)) >= 5, model
    assert set(Proposal.objects.values_list("source", flat=True)) == {"contoh"}
    assert set(FollowUp.objects.values_list("created_by", flat=True)) == {"contoh"}
    statuses = set(Proposal.objects.values_list("status", flat=True))
    assert {"diusulkan", "disepakati", "diterima", "ditunda"} <= statuses
    assert Proposal.objects.exclude(people_affected=None).exists()
    assert FollowUp.objects.overdue(timezone.localdate()).exists()


def test_seeding_twice_adds_nothing(seeded: None) -> None:
    before = Proposal.objects.count(), FollowUp.objects.count()
    call_command("seeddemoplanning", stdout=StringIO())
    assert (Proposal.objects.count(), FollowUp.objects.count()) == before


@pytest.mark.parametrize(
    ("suffix", "column"),
    [
        ("tindak-lanjut/", 3),  # open
        ("persetujuan/{year}/", 5),  # approved
        ("evaluasi-apbdes/", 4),  # evaluated
        ("belanja/?periode={year}", 4),  # total APBDes
    ],
)
def test_every_kabupaten_table_shows_sample_numbers(seeded: None, suffix: str, column: int) -> None:
    client = client_for("dpmd", "kabupaten", SLEMAN)
    year = timezone.localdate().year - 1
    url = f"/kabupaten/{SLEMAN}/{suffix.format(year=year)}"
    response = client.get(url + ("&" if "?" in url else "?") + "format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    total = rows[-1]
    assert total[0] == "Jumlah kabupaten"
    assert float(total[column]) > 0


def test_the_proposal_pages_show_the_sample_proposals(seeded: None) -> None:
    client = client_for("dpmd", "kabupaten", SLEMAN)
    page = client.get(f"/kabupaten/{SLEMAN}/usulan/").content.decode()
    assert "Dinas" in page and "disepakati" in page
    escalations = client.get(f"/kabupaten/{SLEMAN}/eskalasi/").content.decode()
    assert "Dinas" in escalations


def test_the_kabupaten_pages_say_the_data_is_sample_data(seeded: None) -> None:
    client = client_for("dpmd", "kabupaten", SLEMAN)
    page = client.get(f"/kabupaten/{SLEMAN}/pengawasan/").content.decode()
    assert "Data contoh" in page


def test_a_sample_programme_of_sleman_shows_its_kecamatan_at_work(seeded: None) -> None:
    cohort = Cohort.objects.get(sample=True)
    members = set(cohort.members.values_list("kecamatan_id", flat=True))
    assert members == set(
        Region.objects.filter(parent_id=SLEMAN, level=Level.KECAMATAN).values_list(
            "code", flat=True
        )
    )
    admin = client_for("pusat", "admin", None)
    page = admin.get(f"/program/{cohort.pk}/").content.decode()
    assert "Data contoh" in page
    response = admin.get(f"/program/{cohort.pk}/?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    sleman = next(r for r in rows if r[:2] == ["Sleman", SLEMAN] or r[1:2] == [SLEMAN])
    # follow-ups opened, APBDes evaluations and agreed proposals of the sample records
    assert int(sleman[9]) > 0 and int(sleman[10]) > 0 and int(sleman[12]) > 0
    call_command("seeddemoplanning", stdout=StringIO())
    assert Cohort.objects.count() == 1
