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
    assert 'href="/kabupaten/91.01/?periode=2025&amp;sektor=kesehatan"' in province
    assert "77,1%" in province
    national = get(reader, "/nasional/?periode=2025&sektor=kesehatan&indikator=K01")
    assert 'href="/provinsi/91/?periode=2025&amp;sektor=kesehatan"' in national
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
