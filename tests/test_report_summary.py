"""The kecamatan report opens with a one-page summary a camat can bring to the Musrenbang."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from catalog.models import Indicator
from datavalues.models import DataValue
from planning.followups import create_follow_up
from planning.proposals import change_status, create_proposal
from regions.models import Region
from tests.planning_fixtures import (  # noqa: F401
    ALPHA,
    BETA,
    KECAMATAN,
    camat_fixture,
    planned_fixture,
)

URL = f"/kecamatan/{KECAMATAN}/laporan.pdf?periode=2024"

try:  # WeasyPrint needs the system's Pango libraries
    import weasyprint  # noqa: F401
except OSError as exc:  # pragma: no cover - depends on the machine
    pytest.skip(f"WeasyPrint cannot load Pango here: {exc}", allow_module_level=True)


def pages(client: Client) -> list[str]:
    response = client.get(URL)
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


@pytest.fixture
def planned_work(camat: Client) -> Client:
    create_follow_up(
        by="camat",
        desa=Region.objects.get(code=BETA),
        indicator=Indicator.objects.get(code="K01"),
        problem="ANC rendah",
        action="Kunjungan rumah ibu hamil",
        owner="desa",
        due_date=timezone.localdate() + dt.timedelta(days=10),
    )
    proposal = create_proposal(
        by="camat",
        desa=Region.objects.get(code=ALPHA),
        year=2026,
        indicator=Indicator.objects.get(code="G01"),
        evidence_year=2024,
        problem="Stunting 30 %",
        activity="Pendampingan gizi balita",
        volume=12,
        unit="bulan",
        cost_rp=150_000_000,
        opd="dinkes",
    )
    change_status(proposal=proposal, status="disepakati", by="camat")
    create_proposal(
        by="camat",
        desa=Region.objects.get(code=BETA),
        year=2026,
        problem="Jalan rusak",
        activity="Usulan yang belum disepakati",
        volume=1,
        unit="paket",
        cost_rp=1,
        opd="pupr",
    )
    return camat


def test_the_first_page_summarises_problems_priorities_proposals_and_follow_ups(
    planned_work: Client,
) -> None:
    first, *rest = pages(planned_work)
    assert "Kecamatan Sukamaju" in first
    assert "Periode: tahun 2024" in first
    assert "Cakupan: 3 dari 4 desa/kelurahan melapor" in first  # Delta reports nothing
    assert "Masalah terberat" in first
    # Antenatal care: 250 of 400 (62.5 %) against 100 %: 150 pregnant women not reached.
    assert re.search(r"K01 Pelayanan kesehatan ibu hamil sesuai standar 62,5% 100% 150", first)
    assert "Desa prioritas" in first and "Alpha" in first
    assert "Pendampingan gizi balita" in first
    assert "Usulan yang belum disepakati" not in first
    assert "Kunjungan rumah ibu hamil" in first
    assert "Ringkasan per sektor" not in first  # the summary is one page of its own
    assert "Ringkasan per sektor" in " ".join(rest)


def test_sample_data_is_marked_on_every_page(planned_work: Client) -> None:
    assert "DATA CONTOH" not in pages(planned_work)[0]
    DataValue.objects.filter(region_id=ALPHA).update(source="contoh")
    every = pages(planned_work)
    assert "DATA CONTOH — bukan data resmi" in every[0]
    assert all("DATA CONTOH" in page for page in every)
    assert all("Kecamatan Sukamaju" in page for page in every)


def test_rows_never_split_and_status_reads_without_colour(planned_work: Client) -> None:
    css = Path(str(finders.find("css/report.css"))).read_text(encoding="utf-8")
    assert re.search(r"\.report tr[^{]*\{[^}]*break-inside: avoid", css)
    text = " ".join(pages(planned_work))
    # The scorecard shows each status by its symbol, not only by its tint.
    assert "! 30,0%" in text or "! 30%" in text
    assert "✓" in text
    assert "⚑ Alpha" in text  # the flagged desa of the APBDes table
