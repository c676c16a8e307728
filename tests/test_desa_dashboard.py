from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.dashboard_fixtures import (  # noqa: F401
    known_fixture,
    reader_fixture,
    sleman_fixture,
    text_of,
)


def get(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response
    return response.content.decode()


def indicator_row(html: str, code: str) -> str:
    """The text of the number row under an indicator's name on the desa page."""
    start = html.index(f'<span class="code">{code}</span>')
    row_start = html.index("<tr>", start)
    return text_of(html[row_start : html.index("</tr>", row_start)])


@pytest.mark.usefixtures("known")
def test_each_indicator_shows_desa_target_kecamatan_kabupaten_rank_and_change(
    reader: Client,
) -> None:
    html = get(reader, "/desa/91.01.01.2001/?periode=2025")
    # Alpha: 90/100; kecamatan 240/400; kabupaten 540/700; 2nd of 3 desa with data; +10.
    assert indicator_row(html, "K01").split() == [
        "↗",
        "90,0%",
        "sesuai",
        "jalur",
        "≥",
        "100%",
        "60,0%",
        "77,1%",
        "2/3",
        "+10,0",
        "poin",
    ]
    assert "<h1>Desa Alpha</h1>" in html


@pytest.mark.usefixtures("known")
def test_completeness_counts_indicators_with_data(reader: Client) -> None:
    from catalog.models import Indicator

    total = Indicator.objects.count()
    text = text_of(get(reader, "/desa/91.01.01.2002/?periode=2025"))
    assert f"1/{total} indikator berisi data" in text
    assert "1 indikator perlu percepatan" in text  # Beta: 25 % against 100 %
    assert "Persetujuan data 2025: draf" in text


@pytest.mark.usefixtures("known")
def test_a_desa_without_any_value_says_so_and_still_renders(reader: Client) -> None:
    html = get(reader, "/desa/91.01.01.2004/?periode=2025")
    assert "Belum ada data desa ini untuk periode 2025" in html
    assert indicator_row(html, "K01").split()[:4] == ["?", "–", "tidak", "ada"]
    assert "Status IDM: belum ada data" in text_of(html)


@pytest.mark.usefixtures("known")
def test_the_trend_compares_the_desa_with_its_kecamatan_and_kabupaten(reader: Client) -> None:
    html = get(reader, "/desa/91.01.01.2001/?periode=2025&sektor=kesehatan&indikator=K01")
    trend = html[html.index('id="h-tren"') : html.index("</section>", html.index('id="h-tren"'))]
    assert trend.count('<g class="line') == 3
    assert "Alpha: 80,0%" in trend and "Alpha: 90,0%" in trend
    assert "Kec 91.01.01: 60,0%" in trend


@pytest.mark.usefixtures("sleman")
def test_the_desa_page_shows_idm_status_and_the_apbdes_by_sector(reader: Client) -> None:
    text = text_of(get(reader, "/desa/34.04.01.2001/?periode=2025"))
    assert re.search(
        r"Status IDM: (Sangat Tertinggal|Tertinggal|Berkembang|Maju|Mandiri) \(0,\d{4}\)", text
    )
    assert "APBDes 2025 per sektor layanan dasar" in text
    assert re.search(r"Total belanja Rp [\d,]+ M · porsi layanan dasar [\d,]+%", text)
    assert "Gizi dan stunting Rp" in text
    assert "Data contoh" in text


@pytest.mark.usefixtures("known")
def test_a_kelurahan_has_no_apbdes_and_the_page_says_why(reader: Client) -> None:
    from regions.models import Kind, Region

    Region.objects.filter(code="91.01.02.2001").update(kind=Kind.KELURAHAN)
    html = get(reader, "/desa/91.01.02.2001/?periode=2025")
    assert "<h1>Kelurahan Epsilon</h1>" in html
    assert "Kelurahan tidak memiliki APBDes." in html


@pytest.mark.usefixtures("known")
def test_the_desa_page_links_back_to_its_kecamatan_dashboard(reader: Client) -> None:
    html = get(reader, "/desa/91.01.01.2001/?periode=2025&sektor=kesehatan")
    assert 'href="/kecamatan/91.01.01/?periode=2025&amp;sektor=kesehatan"' in html
    assert 'href="/wilayah/91.01.01.2001/"' in html


@pytest.mark.usefixtures("known")
def test_codes_of_another_level_are_not_found(reader: Client) -> None:
    get(reader, "/desa/91.01.01/", 404)
    get(reader, "/desa/91.01.01.2999/", 404)


@pytest.mark.usefixtures("sleman")
def test_the_desa_page_needs_a_bounded_number_of_queries(reader: Client) -> None:
    counts = []
    for code in ("34.04.01.2001", "34.04.02.2001"):
        get(reader, f"/desa/{code}/")
        with CaptureQueriesContext(connection) as queries:
            get(reader, f"/desa/{code}/?periode=2025")
        counts.append(len(queries))
    # 20, and one query each for the facilities and the population sections.
    assert counts[0] == counts[1] and counts[0] <= 22, counts
