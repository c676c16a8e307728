"""The kabupaten report PDF: a summary page first, the region named, quick for 20 kecamatan."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from datavalues.models import How
from datavalues.writing import ValueInput, save_values
from tests.analytics_fixtures import make_regions
from tests.test_kabupaten_pages import client_for

try:  # WeasyPrint needs the system's Pango libraries
    import weasyprint  # noqa: F401
except OSError as exc:  # pragma: no cover - depends on the machine
    pytest.skip(f"WeasyPrint cannot load Pango here: {exc}", allow_module_level=True)

KAB = "91.01"


@pytest.fixture
def twenty(catalogue: None) -> None:
    desa = make_regions([[4] * 20])
    save_values(
        values=[
            ValueInput(code, element, "2024", v, "contoh")
            for code in desa[::2]
            for element, v in (("BUMIL_SASARAN", 100.0), ("BUMIL_ANC", 70.0))
        ],
        how=How.SAMPLE,
        source="contoh",
    )


def test_the_report_opens_with_a_summary_and_names_the_region_on_every_page(
    twenty: None,
) -> None:
    client = client_for("dpmd", "kabupaten", KAB)
    response = client.get(f"/kabupaten/{KAB}/laporan.pdf?periode=2024")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = [
        re.sub(r"\s+", " ", p.extract_text()) for p in PdfReader(io.BytesIO(response.content)).pages
    ]
    first = pages[0]
    assert "Laporan pengawasan kecamatan · 91.01" in first
    assert "Periode: tahun 2024" in first
    assert "Cakupan: 40 dari 80 desa/kelurahan melapor" in first
    assert "DATA CONTOH" in first
    assert "Ringkasan per kecamatan" in first
    assert "91.01.20" in " ".join(pages)
    assert all("91.01 ·" in page for page in pages)  # the running footer names the region


def test_a_kecamatan_user_cannot_download_the_kabupaten_report(twenty: None) -> None:
    camat = client_for("camat", "kecamatan", "91.01.01")
    assert camat.get(f"/kabupaten/{KAB}/laporan.pdf").status_code == 404
