from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader

from accounts.models import AuditEvent
from regions.models import Region
from tests.planning_fixtures import (  # noqa: F401
    KECAMATAN,
    camat_fixture,
    client_for,
    planned_fixture,
)

URL = f"/kecamatan/{KECAMATAN}/laporan.pdf?periode=2024"

try:  # WeasyPrint needs the system's Pango libraries (Debian: libpango-1.0-0, libpangoft2-1.0-0)
    import weasyprint  # noqa: F401
except OSError as exc:  # pragma: no cover - depends on the machine
    pytest.skip(f"WeasyPrint cannot load Pango here: {exc}", allow_module_level=True)


def pdf_text(client: Client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert round(float(reader.pages[0].mediabox.width)) == 595  # A4: 210 mm
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_the_pdf_names_the_kecamatan_sector_summaries_and_the_flagged_desa(camat: Client) -> None:
    text = pdf_text(camat)
    assert "Laporan Analisis Layanan Dasar Kecamatan" in text
    assert "Kecamatan Sukamaju" in text
    assert "Ringkasan per sektor" in text
    for sector in ("Kesehatan", "Gizi dan stunting", "Pendidikan"):
        assert sector in text
    # Alpha: stunting above target and nothing on 2.2.02 Posyandu in its draft APBDes.
    flagged = text[text.index("APBDes 2024 dan kesenjangan") :]
    assert re.search(r"Alpha \(rancangan\).*?Gizi dan stunting \(2\.2\.02", flagged)


def test_the_pdf_is_audited_and_outside_the_scope_is_404(camat: Client) -> None:
    pdf_text(camat)
    assert AuditEvent.objects.filter(action="export", summary="laporan PDF 2024").exists()
    Region.objects.create(code="91.01.02", level=3, kind="kecamatan", parent_id="91.01", name="X")
    other = client_for("lain", "kecamatan", "91.01.02")
    assert other.get(URL).status_code == 404
