"""Every page that shows sample values says "Data contoh", reports and workbooks too."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from accounts.models import Role
from datavalues.approval import step
from datavalues.models import SAMPLE_SOURCE, How
from datavalues.writing import ValueInput, save_values
from regions.models import Region
from tests.cast import Cast, cast_fixture  # noqa: F401

pytestmark = pytest.mark.usefixtures("catalogue")
DESA = "34.04.01.2001"


@pytest.fixture
def sample(cast: Cast) -> Cast:
    save_values(
        values=[
            ValueInput(DESA, "BUMIL_SASARAN", "2024", 100, SAMPLE_SOURCE),
            ValueInput(DESA, "BUMIL_ANC", "2024", 80, SAMPLE_SOURCE),
        ],
        how=How.SAMPLE,
        source=SAMPLE_SOURCE,
    )
    step(region=Region.objects.get(code=DESA), period="2024", action="ajukan", by=None)
    return cast


@pytest.mark.parametrize(
    "path",
    [
        f"/desa/{DESA}/rekomendasi/?periode=2024",
        f"/desa/{DESA}/evaluasi-apbdes/?periode=2024",
        f"/desa/{DESA}/tindak-lanjut/",
        "/kecamatan/34.04.01/tindak-lanjut/",
        "/kecamatan/34.04.01/eskalasi/?periode=2024",
        f"/persetujuan/{DESA}/2024/",
        "/kecamatan/34.04.01/laporan.pdf?periode=2024",
    ],
)
def test_pages_with_sample_values_say_so(sample: Cast, path: str) -> None:
    response = sample.client(Role.KECAMATAN).get(path)
    assert response.status_code == 200
    if path.endswith(".pdf?periode=2024"):
        from pypdf import PdfReader

        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages[:1])
        assert "Data contoh" in text
    else:
        assert "Data contoh" in response.content.decode()


def test_the_workbook_of_sample_values_says_so(sample: Cast) -> None:
    response = sample.client(Role.KECAMATAN).get("/kecamatan/34.04.01/laporan.xlsx?periode=2024")
    cover = load_workbook(io.BytesIO(response.content))["Keterangan"]
    assert any(row[0] == "DATA CONTOH" for row in cover.iter_rows(values_only=True))


def test_real_values_carry_no_sample_mark(cast: Cast) -> None:
    save_values(values=[ValueInput(DESA, "BUMIL_SASARAN", "2024", 100)], how="form")
    html = cast.client(Role.KECAMATAN).get(f"/persetujuan/{DESA}/2024/").content.decode()
    assert "Data contoh" not in html


def test_a_kabupaten_page_of_sample_values_says_so_once(sample: Cast) -> None:
    html = sample.client(Role.KABUPATEN).get("/kabupaten/34.04/pengawasan/").content.decode()
    assert html.count("<strong>Data contoh</strong>") == 1
