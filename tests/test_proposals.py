"""Usulan Musrenbang: the camat agrees, the berita acara lists, the OPD decides, the desa sees."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import AuditEvent
from catalog.models import Indicator
from planning.followups import create_follow_up
from planning.proposals import Proposal, ProposalChange, ProposalStatus, change_status
from regions.models import Region
from tests.planning_fixtures import (  # noqa: F401
    ALPHA,
    BETA,
    KECAMATAN,
    camat_fixture,
    client_for,
    planned_fixture,
)

YEAR = 2025
URL = f"/kecamatan/{KECAMATAN}/usulan/?tahun={YEAR}"
KAB = KECAMATAN[:5]


def form(**overrides: str) -> dict[str, str]:
    data = {
        "aksi": "tambah",
        "desa": ALPHA,
        "dusun": "Dusun Krajan",
        "indicator": str(Indicator.objects.get(code="G01").pk),
        "problem": "Stunting 30 %",
        "activity": "Pemberian makanan tambahan balita",
        "volume": "12",
        "unit": "bulan",
        "cost_rp": "45000000",
        "fund_source": "apbd_kab",
        "opd": "dinkes",
        "year": str(YEAR),
        "evidence_year": "2024",
    }
    data.update(overrides)
    return data


def pdf_text(content: bytes) -> str:
    """The words of a PDF, whitespace (line breaks inside table cells) made single spaces."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def add_three(camat: Client) -> list[Proposal]:
    for desa, activity in ((ALPHA, "PMT balita"), (BETA, "Kelas ibu hamil"), (ALPHA, "Sanitasi")):
        response = camat.post(URL, form(desa=desa, activity=activity))
        assert response.status_code == 302
    return list(Proposal.objects.order_by("pk"))


def test_a_new_proposal_gets_its_evidence_from_the_figures(camat: Client) -> None:
    response = camat.post(URL, form())
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    # Alpha: 60 of 200 children stunted (30 %), target 14 %: (30 − 14) % × 200 = 32 children.
    assert proposal.value == pytest.approx(30.0)
    assert proposal.target == pytest.approx(14.0)
    assert proposal.people_affected == 32
    assert proposal.score == 32.0
    assert proposal.priority == 1
    assert proposal.status == ProposalStatus.PROPOSED
    assert ProposalChange.objects.filter(proposal=proposal, new_status="diusulkan").count() == 1
    assert AuditEvent.objects.filter(summary__startswith=f"usulan #{proposal.pk}").exists()


def test_a_proposal_with_a_negative_cost_is_refused_and_nothing_is_written(camat: Client) -> None:
    response = camat.post(URL, form(cost_rp="-5"))
    assert response.status_code == 400
    assert "Biaya tidak boleh negatif" in response.content.decode()
    assert not Proposal.objects.exists()


def test_the_camat_ranks_and_agrees_three_proposals_and_downloads_the_berita_acara(
    camat: Client,
) -> None:
    first, second, third = add_three(camat)
    camat.post(
        URL,
        {
            "aksi": "urutkan",
            f"prioritas-{first.pk}": "3",
            f"prioritas-{second.pk}": "1",
            f"prioritas-{third.pk}": "2",
        },
    )
    assert list(Proposal.objects.order_by("priority").values_list("pk", flat=True)) == [
        second.pk,
        third.pk,
        first.pk,
    ]
    response = camat.post(URL, {"aksi": "sepakati", "pilih": [first.pk, second.pk, third.pk]})
    assert response.status_code == 302
    assert set(Proposal.objects.values_list("status", flat=True)) == {"disepakati"}
    assert ProposalChange.objects.filter(new_status="disepakati").count() == 3
    pdf = camat.get(f"/kecamatan/{KECAMATAN}/usulan/berita-acara.pdf?tahun={YEAR}")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "Sukamaju" in text
    assert "Kelas ibu hamil" in text and "Sanitasi" in text and "PMT balita" in text
    assert "Camat" in text and "Notulis" in text and "Perwakilan desa" in text
    # In priority order: Kelas ibu hamil (1) before Sanitasi (2) before PMT balita (3).
    assert text.index("Kelas ibu hamil") < text.index("Sanitasi") < text.index("PMT balita")


def test_the_berita_acara_lists_only_the_agreed_proposals(camat: Client) -> None:
    first, _second, _third = add_three(camat)
    camat.post(URL, {"aksi": "sepakati", "pilih": [first.pk]})
    pdf = camat.get(f"/kecamatan/{KECAMATAN}/usulan/berita-acara.pdf?tahun={YEAR}")
    text = pdf_text(pdf.content)
    assert "PMT balita" in text
    assert "Kelas ibu hamil" not in text


def test_the_sipd_export_has_one_row_per_proposal_in_priority_order(camat: Client) -> None:
    add_three(camat)
    response = camat.get(URL + "&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:9] == [
        "No",
        "Tahun rencana",
        "Kode kecamatan",
        "Kecamatan",
        "Kode desa",
        "Desa/kelurahan",
        "Dusun/lokasi",
        "Permasalahan",
        "Usulan kegiatan",
    ]
    assert len(rows) == 4
    assert [r[8] for r in rows[1:]] == ["PMT balita", "Kelas ibu hamil", "Sanitasi"]
    assert rows[1][11] == "45000000"
    assert camat.get(URL + "&format=xlsx").content[:2] == b"PK"


def test_the_kabupaten_records_the_opd_decision_and_the_desa_sees_it(camat: Client) -> None:
    first, second, _third = add_three(camat)
    camat.post(URL, {"aksi": "sepakati", "pilih": [first.pk, second.pk]})
    dpmd = client_for("dpmd", "kabupaten", KAB)
    page = dpmd.get(f"/kabupaten/{KAB}/usulan/?tahun={YEAR}").content.decode()
    assert "Dinas Kesehatan" in page and "PMT balita" in page
    response = dpmd.post(f"/usulan/{first.pk}/keputusan/", {"status": "diterima", "year": "2025"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.status, first.decision_year) == ("diterima", 2025)
    refused = dpmd.post(f"/usulan/{second.pk}/keputusan/", {"status": "ditolak", "reason": ""})
    assert refused.status_code == 302
    second.refresh_from_db()
    assert second.status == "disepakati"  # a rejection needs its reason: nothing changed
    desa = client_for("operator", "desa", ALPHA)
    mine = desa.get(f"/desa/{ALPHA}/usulan/").content.decode()
    assert "diterima ke Renja OPD" in mine
    assert "Kelas ibu hamil" not in mine  # Beta's proposal is not Alpha's


def test_a_camat_cannot_record_the_opd_decision(camat: Client) -> None:
    (first, *_rest) = add_three(camat)
    camat.post(URL, {"aksi": "sepakati", "pilih": [first.pk]})
    assert camat.post(f"/usulan/{first.pk}/keputusan/", {"status": "diterima"}).status_code == 404
    first.refresh_from_db()
    assert first.status == "disepakati"


def test_another_kabupaten_sees_neither_the_list_nor_the_decision(camat: Client) -> None:
    (first, *_rest) = add_three(camat)
    camat.post(URL, {"aksi": "sepakati", "pilih": [first.pk]})
    Region.objects.create(code="91.02", level=2, kind="kabupaten", parent_id="91", name="Lain")
    other = client_for("lain", "kabupaten", "91.02")
    assert other.get(f"/kabupaten/{KAB}/usulan/").status_code == 404
    assert other.post(f"/usulan/{first.pk}/keputusan/", {"status": "diterima"}).status_code == 404
    assert camat.get(f"/kabupaten/{KAB}/usulan/").status_code == 404


def test_a_postponed_proposal_needs_a_reason_and_a_year(camat: Client) -> None:
    (first, *_rest) = add_three(camat)
    change_status(proposal=first, status="disepakati", by="camat")
    with pytest.raises(ValidationError):
        change_status(proposal=first, status="ditunda", by="opd", reason="anggaran habis")
    change_status(proposal=first, status="ditunda", by="opd", reason="anggaran habis", year=2027)
    first.refresh_from_db()
    assert (first.status, first.decision_year, first.reason) == ("ditunda", 2027, "anggaran habis")
    with pytest.raises(ValidationError):
        change_status(proposal=first, status="diterima", by="opd")


def test_an_escalation_becomes_a_proposal_with_its_problem_and_opd(camat: Client) -> None:
    item = create_follow_up(
        by="camat",
        desa=Region.objects.get(code=BETA),
        indicator=Indicator.objects.get(code="K01"),
        problem="ANC 25 %",
        action="Bidan desa untuk Beta",
        owner="opd",
        opd="dinkes",
        due_date=timezone.localdate() + dt.timedelta(days=30),
    )
    page = camat.get(URL).content.decode()
    assert f"dari={item.pk}" in page
    prefilled = camat.get(URL + f"&dari={item.pk}").content.decode()
    assert "Bidan desa untuk Beta" in prefilled
    data = form(desa=BETA, activity="Bidan desa untuk Beta", follow_up=str(item.pk))
    data["indicator"] = str(item.indicator_id)
    assert camat.post(URL, data).status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.follow_up_id == item.pk
    assert f"dari={item.pk}" not in camat.get(URL).content.decode()


def test_pages_read_a_bounded_number_of_queries(
    camat: Client, django_assert_max_num_queries: Any
) -> None:
    add_three(camat)
    camat.post(
        URL, {"aksi": "sepakati", "pilih": list(Proposal.objects.values_list("pk", flat=True))}
    )
    dpmd = client_for("dpmd", "kabupaten", KAB)
    for client, url in (
        (camat, URL),
        (dpmd, f"/kabupaten/{KAB}/usulan/?tahun={YEAR}"),
        (camat, f"/desa/{ALPHA}/usulan/"),
    ):
        client.get(url)
        with django_assert_max_num_queries(30):
            assert client.get(url).status_code == 200
