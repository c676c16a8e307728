"""Kabupaten, province and national pages: the kecamatan views over their children."""

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


@pytest.mark.usefixtures("known")
def test_the_kabupaten_page_ranks_its_kecamatan_by_ratio_of_sums(reader: Client) -> None:
    html = get(reader, "/kabupaten/91.01/?periode=2025&sektor=kesehatan&indikator=K01")
    matrix = html[html.index('id="h-matriks"') :]
    rows = re.findall(
        r'<th scope="row" class="name"><a href="([^"]+)">([^<]+)</a></th><td[^>]*>(.*?)</td>',
        matrix,
    )
    assert [(href.split("?")[0], name, text_of(cell).split()[1]) for href, name, cell in rows] == [
        ("/kecamatan/91.01.01/", "Kec 91.01.01", "60,0%"),
        ("/kecamatan/91.01.02/", "Kec 91.01.02", "100,0%"),
    ]
    ranking = html[html.index('id="h-peringkat"') :]
    assert re.findall(r'<text class="lbl"[^>]*>([^<]+)<title>', ranking) == [
        "Kec 91.01.02",
        "Kec 91.01.01",
    ]
    assert "4 dari 5 desa melapor" in text_of(html)


@pytest.mark.usefixtures("known")
def test_the_province_and_national_pages_drill_down_to_the_next_level(reader: Client) -> None:
    province = get(reader, "/provinsi/91/?periode=2025&sektor=kesehatan&indikator=K01")
    # The child opens on the same period, sector and indicator.
    assert (
        'href="/kabupaten/91.01/?periode=2025&amp;sektor=kesehatan&amp;indikator=K01"' in province
    )
    assert "77,1%" in province
    national = get(reader, "/nasional/?periode=2025&sektor=kesehatan&indikator=K01")
    assert 'href="/provinsi/91/?periode=2025&amp;sektor=kesehatan&amp;indikator=K01"' in national
    assert "<h1>Indonesia</h1>" in national


@pytest.mark.usefixtures("known")
def test_levels_must_match_the_url(reader: Client) -> None:
    get(reader, "/kabupaten/91/", 404)
    get(reader, "/provinsi/91.01/", 404)


@pytest.mark.usefixtures("sleman")
def test_the_kabupaten_page_needs_a_bounded_number_of_queries(reader: Client) -> None:
    get(reader, "/kabupaten/34.04/")
    with CaptureQueriesContext(connection) as queries:
        html = get(reader, "/kabupaten/34.04/?periode=2025&sektor=gizi")
    # Session, user, scope, regions, sample check, catalogue stamp, roll-ups, sizes,
    # kelurahan, boundaries, element names, IDM classes, unread notices: none per kecamatan.
    assert len(queries) <= 17, "\n".join(q["sql"][:150] for q in queries.captured_queries)
    assert html.count('<th scope="row" class="name">') == 17 + 2  # kecamatan + 2 references


@pytest.mark.usefixtures("sleman")
def test_the_national_page_labels_sample_data_and_leads_to_a_kecamatan_with_it(
    reader: Client,
) -> None:
    html = get(reader, "/nasional/")
    assert "Data contoh" in html
    assert '<a href="/kecamatan/34.04.01/">Lihat contoh dasbor kecamatan →</a>' in html
    assert "Lihat contoh dasbor kecamatan" not in get(reader, "/kecamatan/34.04.01/")


@pytest.mark.usefixtures("known")
def test_clicking_a_kecamatan_on_the_map_keeps_the_indicator_period_sector_and_focus(
    reader: Client,
) -> None:
    html = get(
        reader, "/kabupaten/91.01/?indikator=K03&periode=2024&sektor=kesehatan&fokus=stunting"
    )
    peta = html[html.index('id="h-peta"') :].split("</figure>")[0]
    hrefs = re.findall(r'<a href="(/kecamatan/[^"]+)"', peta)
    assert sorted(h.split("?")[0] for h in hrefs) == [
        "/kecamatan/91.01.01/",
        "/kecamatan/91.01.02/",
    ]
    query = "?periode=2024&amp;sektor=kesehatan&amp;indikator=K03&amp;fokus=stunting"
    assert all(h.endswith(query) for h in hrefs), hrefs
    # The scorecard and the ranking link to the child the same way.
    matrix = html[html.index('id="h-matriks"') :]
    assert f'href="/kecamatan/91.01.01/{query}"' in matrix
    ranking = html[html.index('id="h-peringkat"') :]
    assert f'href="/kecamatan/91.01.02/{query}"' in ranking
    # The kecamatan opens on indicator K03 (not its sector's first, K01), period 2024.
    child = get(reader, hrefs[0].replace("&amp;", "&"))
    assert re.search(r'<option value="K03" selected>', child)
    assert re.search(r'<option value="2024" selected>', child)
    assert re.search(r'<option value="stunting" selected>', child)
