"""The indicator pages (/indikator/ and /indikator/<code>/), the links to them from the
scorecard, and the absolute numbers beside percentages."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from planning.activities import load_activities
from tests.dashboard_fixtures import (  # noqa: F401
    known_fixture,
    reader_fixture,
    text_of,
)


def get(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


@pytest.fixture
def activities(db: None) -> None:
    load_activities()


@pytest.mark.usefixtures("known", "activities")
def test_the_stunting_page_explains_the_indicator_with_names_targets_and_kegiatan(
    reader: Client,
) -> None:
    page = unescape(text_of(get(reader, "/indikator/G01/")))
    assert "Prevalensi balita stunting" in page
    assert "−2 simpangan baku" in page  # the plain definition
    assert "Mengapa penting" in page and "1.000 hari pertama" in page
    assert "Makin rendah makin baik" in page
    # Numerator and denominator by name, not by element code.
    assert "Pembilang Balita stunting (TB/U < −2 SD)" in page
    assert "Penyebut Balita diukur tinggi/panjang badan" in page
    assert "BALITA_STUNTING" not in page
    assert "e-PPGBM" in page  # the data source
    assert "2025: ≤ 18,8% — RPJMN 2025–2029 (Perpres 12/2025)" in page
    assert "2029: ≤ 14,2%" in page and "belum diverifikasi" in page  # 2026–2028 interpolated
    # What a desa can budget (village authority) and what goes to the kabupaten.
    assert "2.2.02 Penyelenggaraan Posyandu" in page
    assert "Dinas Kesehatan: Layanan gizi Puskesmas" in page


@pytest.mark.usefixtures("known")
def test_an_indicator_without_a_target_says_why(reader: Client) -> None:
    page = text_of(get(reader, "/indikator/G10/"))
    assert "Tanpa target untuk" in page
    assert "Pedoman konvergensi Kemendes tidak menetapkan angka target." in page


@pytest.mark.usefixtures("known")
def test_the_page_is_in_english_when_english_is_chosen(reader: Client) -> None:
    reader.cookies["django_language"] = "en"
    page = unescape(text_of(get(reader, "/indikator/G01/")))
    assert "Stunting prevalence among under-fives" in page
    assert "below −2 standard deviations" in page
    assert "Stunted under-fives" in page  # the numerator's English name
    assert "Lower is better" in page and "What a village can budget" in page


@pytest.mark.usefixtures("known")
def test_an_unknown_code_is_404(reader: Client) -> None:
    get(reader, "/indikator/XYZ99/", status=404)


@pytest.mark.usefixtures("known")
def test_the_catalogue_lists_every_indicator_with_its_target_in_force(reader: Client) -> None:
    html = get(reader, "/indikator/")
    codes = re.findall(r'href="/indikator/([A-Z0-9_]+)/"', html)
    assert len(codes) == 58 and "G01" in codes and "IDM_STATUS" in codes
    assert "tanpa target" in text_of(html)


def test_the_catalogue_needs_a_login(db: None) -> None:
    response = Client().get("/indikator/")
    assert response.status_code == 302
    assert "next=/indikator/" in response["Location"]


@pytest.mark.usefixtures("known")
def test_every_scorecard_cell_and_the_headline_link_to_the_indicator_page(
    reader: Client,
) -> None:
    html = get(reader, "/kecamatan/91.01.01/?periode=2025&sektor=kesehatan&indikator=K01")
    matrix = html[html.index('id="h-matriks"') :]
    cells = re.findall(r'<td class="st-[a-z]+" title="[^"]*"><a href="([^"]+)">', matrix)
    assert cells and set(cells) >= {"/indikator/K01/", "/indikator/K12/"}
    assert 'class="meaning" href="/indikator/K01/"' in html


@pytest.mark.usefixtures("known")
def test_the_headline_and_the_desa_page_give_the_people_behind_the_percentage(
    reader: Client,
) -> None:
    html = get(reader, "/kecamatan/91.01.01/?periode=2025&sektor=kesehatan&indikator=K01")
    headline = text_of(html[html.index('id="h-indikator"') : html.index('id="h-peta"')])
    # Kecamatan 91.01.01 in 2025: 240 of 400 pregnant women had standard antenatal care.
    assert "240 ibu hamil mendapat ANC sesuai standar dari 400 ibu hamil (sasaran)" in headline
    desa = get(reader, "/desa/91.01.01.2001/?periode=2025&sektor=kesehatan&indikator=K01")
    assert '<a href="/indikator/K01/">' in desa
    assert "90 ibu hamil mendapat ANC sesuai standar dari 100 ibu hamil (sasaran)" in text_of(desa)


@pytest.mark.usefixtures("known")
def test_the_headline_formula_names_the_data_not_element_codes(reader: Client) -> None:
    html = get(reader, "/kecamatan/91.01.01/?periode=2025&sektor=kesehatan&indikator=K01")
    headline = text_of(html[html.index('id="h-indikator"') : html.index('id="h-peta"')])
    assert "Rumus: Ibu hamil mendapat ANC sesuai standar ÷ Ibu hamil (sasaran) × 100" in headline
    assert "BUMIL_ANC" not in headline
