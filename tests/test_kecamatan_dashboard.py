from __future__ import annotations

import gzip
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Assignment
from datavalues.models import How
from datavalues.sample import Desa, sample_values
from datavalues.writing import ValueInput, save_values
from tests.analytics_fixtures import make_regions
from tests.dashboard_fixtures import (  # noqa: F401
    known_fixture,
    reader_fixture,
    sleman_fixture,
    text_of,
)

URL = "/kecamatan/91.01.01/?periode=2025&sektor=kesehatan&indikator=K01"


def get(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    """The HTML of one <section>, found by the id of its heading."""
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


@pytest.mark.usefixtures("known")
def test_the_scorecard_shows_each_desa_value_with_status_icon_and_word(reader: Client) -> None:
    html = get(reader, URL)
    matrix = section(html, "h-matriks")
    rows = re.findall(
        r'<tr><th scope="row" class="name"><a href="[^"]+">(\w+)</a></th>(.*?)</tr>', matrix
    )
    first_cells = {name: text_of(cells.split("</td>")[0]) for name, cells in rows}
    assert first_cells["Alpha"].split() == ["↗", "90,0%", "sesuai", "jalur"]
    assert first_cells["Beta"].split() == ["!", "25,0%", "perlu", "percepatan"]
    assert first_cells["Gamma"].split() == ["✓", "100,0%", "tercapai"]
    assert first_cells["Delta"].split() == ["?", "–", "tidak", "ada", "data"]
    assert [name for name, _ in rows] == ["Alpha", "Beta", "Gamma", "Delta"]


@pytest.mark.usefixtures("known")
def test_reference_rows_give_the_kecamatan_and_kabupaten_ratio_of_sums(reader: Client) -> None:
    matrix = section(get(reader, URL), "h-matriks")
    footer = text_of(matrix[matrix.index("<tfoot>") :])
    # Kecamatan: (90 + 50 + 100) / (100 + 200 + 100) = 60,0 %; kabupaten adds Epsilon 300/300.
    assert "Kec 91.01.01 ! 60,0%" in footer
    assert "91.01 ! 77,1%" in footer  # 540 / 700


@pytest.mark.usefixtures("known")
def test_the_sector_card_counts_indicators_by_status_and_reports_completeness(
    reader: Client,
) -> None:
    cards = section(get(reader, URL), "h-sektor")
    kesehatan = text_of(
        cards[cards.index("Kesehatan") : cards.index("</li>", cards.index("Kesehatan"))]
    )
    # K01 is behind at kecamatan level; the other eleven health indicators have no data.
    assert "! 1 perlu percepatan" in kesehatan
    assert "? 11 tidak ada data" in kesehatan
    assert "12 indikator" in kesehatan
    assert "kelengkapan data 6%" in kesehatan  # 3 of 4 desa on 1 of 12 indicators: 3/48


@pytest.mark.usefixtures("known")
def test_the_ranking_puts_the_best_desa_first_and_draws_the_target(reader: Client) -> None:
    ranking = section(get(reader, URL), "h-peta")
    ranking = ranking[ranking.index('id="h-peringkat"') :]
    names = re.findall(r'<text class="lbl"[^>]*>(\w+)<title>', ranking)
    assert names == ["Gamma", "Alpha", "Beta", "Delta"]
    assert 'class="target"' in ranking
    assert "target 100%" in text_of(ranking) or "target 100,0%" in text_of(ranking)


@pytest.mark.usefixtures("known")
def test_the_delta_ranking_lists_the_most_improved_first(reader: Client) -> None:
    deltas = section(get(reader, URL), "h-delta")
    rows = re.findall(r"<tr><td class=\"num\">(\d+)</td><td><a [^>]+>(\w+)</a>.*?</tr>", deltas)
    assert rows == [("1", "Alpha"), ("2", "Beta"), ("3", "Gamma")]
    assert "▲ +10,0" in text_of(deltas) and "Perubahan (poin)" in text_of(deltas)
    assert "Paling membaik sejak 2024" in text_of(deltas)


@pytest.mark.usefixtures("known")
def test_priorities_weigh_the_share_behind_against_the_area_and_show_the_formula(
    reader: Client,
) -> None:
    block = section(get(reader, URL), "h-prioritas")
    text = text_of(block)
    assert "Skor prioritas = 100 × Σ (bobot × keparahan) ÷ Σ bobot" in text
    assert "kesenjangan terbesar di antara desa wilayah ini" in text
    ranked = re.findall(r"<li><a [^>]+>(\w+)</a> — <strong>([\d.]+)</strong>", block)
    # Shares behind on K01: Beta 75 %, Alpha 10 % (÷ 75 = 0,13), Gamma met the target.
    assert ranked == [("Beta", "100"), ("Alpha", "13"), ("Gamma", "0")]
    assert "75,0 poin; 150 dari 200 sasaran tertinggal" in text
    assert "Tanpa data, perlu dilengkapi: Delta" in text


@pytest.mark.usefixtures("known")
def test_the_first_screen_names_the_worst_problem_with_desa_people_and_recommendations(
    reader: Client,
) -> None:
    html = get(reader, URL)
    worst = section(html, "h-masalah")
    assert html.index('id="h-masalah"') < html.index('id="h-sektor"')
    text = text_of(worst)
    assert (
        "Pelayanan kesehatan ibu hamil sesuai standar di Beta : 150 orang/RT tertinggal (75,0 poin)"
        in text
    )
    assert 'href="/desa/91.01.01.2002/rekomendasi/?periode=2025"' in worst


@pytest.mark.usefixtures("known")
def test_the_map_colours_each_desa_by_status_and_links_to_its_page(reader: Client) -> None:
    html = get(reader, URL)
    peta = section(html, "h-peta")
    assert re.search(
        r'href="/desa/91\.01\.01\.2002/\?periode=2025&amp;sektor=kesehatan&amp;indikator=K01">'
        r'<path class="area tile st-bad"',
        peta,
    )
    assert re.search(r'href="/desa/91\.01\.01\.2003/[^"]*"><path class="area tile st-ok"', peta)
    legend = text_of(peta[peta.index('class="legend"') :])
    assert "✓ tercapai (1)" in legend and "! perlu percepatan (1)" in legend
    assert "? tidak ada data (1)" in legend


@pytest.mark.usefixtures("known")
def test_sorting_by_an_indicator_puts_the_furthest_behind_first(reader: Client) -> None:
    matrix = section(get(reader, URL + "&urut=K01"), "h-matriks")
    names = re.findall(r'<th scope="row" class="name"><a href="[^"]+">(\w+)</a>', matrix)
    assert names == ["Beta", "Alpha", "Gamma", "Delta"]
    assert 'aria-sort="ascending"' in matrix


@pytest.mark.usefixtures("known")
def test_the_trend_draws_the_kecamatan_and_the_kabupaten(reader: Client) -> None:
    trend = section(get(reader, URL), "h-delta")
    trend = trend[trend.index('id="h-tren"') :]
    assert trend.count('<g class="line') == 2
    assert "Kec 91.01.01: 53,8%" in trend  # 2024: (80 + 40 + 95) / 400
    assert "91.01: 66,4%" in trend and "91.01: 77,1%" in trend


@pytest.mark.usefixtures("known")
@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("periode=kemarin", "Periode “kemarin” tidak dikenali"),
        ("sektor=pertanian", "Sektor “pertanian” tidak dikenal"),
        ("indikator=ZZ99", "Indikator “ZZ99” tidak dikenal"),
    ],
)
def test_a_bad_filter_gives_a_notice_and_the_default(
    reader: Client, query: str, notice: str
) -> None:
    html = get(reader, f"/kecamatan/91.01.01/?{query}")
    assert notice in html
    assert '<option value="2025" selected>' in html
    assert "Kartu skor" in html


@pytest.mark.usefixtures("known")
def test_an_indicator_of_another_sector_follows_the_sector_without_a_notice(
    reader: Client,
) -> None:
    html = get(reader, "/kecamatan/91.01.01/?sektor=gizi&indikator=K01")
    assert "tidak dikenal" not in html
    assert '<option value="G01" selected>' in html


@pytest.mark.usefixtures("known")
def test_a_period_without_data_says_so(reader: Client) -> None:
    html = get(reader, "/kecamatan/91.01.01/?periode=2019")
    assert "Belum ada data untuk wilayah ini pada periode 2019" in html


@pytest.mark.usefixtures("known")
def test_codes_of_another_level_or_unknown_codes_are_not_found(reader: Client) -> None:
    get(reader, "/kecamatan/91.01/", 404)
    get(reader, "/kecamatan/91.01.01.2001/", 404)
    get(reader, "/kecamatan/91.09.09/", 404)


@pytest.mark.usefixtures("known")
def test_an_htmx_request_gets_only_the_body_and_caches_keep_them_apart(reader: Client) -> None:
    response = reader.get(URL, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and 'id="h-matriks"' in html
    assert "HX-Request" in response["Vary"]
    full = get(reader, URL)
    assert full.startswith("<!DOCTYPE html>")
    restored = reader.get(URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert restored.content.decode().startswith("<!DOCTYPE html>")


@pytest.mark.usefixtures("known")
def test_filters_are_a_plain_get_form_that_htmx_also_submits(reader: Client) -> None:
    html = get(reader, URL)
    form = html[
        html.index('<form class="filters') : html.index(
            "</form>", html.index('<form class="filters')
        )
    ]
    assert 'method="get"' in form and 'hx-get="/kecamatan/91.01.01/"' in form
    assert 'hx-push-url="true"' in form and '<button type="submit">' in form
    assert "<script" not in html.split("</head>")[1]  # CSP: no inline scripts


@pytest.mark.usefixtures("known")
def test_a_sector_limited_camat_sees_only_the_sectors_assigned(db: None) -> None:
    from django.contrib.auth.models import User

    user = User.objects.create_user("camat-gizi")
    Assignment.objects.create(user=user, role="kecamatan", region_id="91.01.01", sectors=["gizi"])
    client = Client()
    client.force_login(user)
    html = get(client, "/kecamatan/91.01.01/?sektor=kesehatan")
    assert "Sektor “kesehatan” tidak dikenal atau tidak tersedia untuk Anda." in html
    cards = text_of(section(html, "h-sektor"))
    assert "Gizi dan stunting" in cards and "Kesehatan" not in cards


def _seed(desa: list[str]) -> None:
    rows = [
        ValueInput(code, element, period, value, "contoh")
        for code, element, period, value in sample_values([Desa(c) for c in desa], [2024, 2025])
    ]
    save_values(values=rows, how=How.SAMPLE, source="contoh")


def test_the_query_count_is_the_same_for_4_and_40_desa_and_at_most_15(
    reader: Client, db: None
) -> None:
    from catalog.loading import load_catalogue
    from regions.sizes import refresh_region_sizes

    load_catalogue()
    desa = make_regions([[4, 40]])
    _seed(desa)
    refresh_region_sizes()
    counts = []
    for code in ("91.01.01", "91.01.02"):
        reader.get(f"/kecamatan/{code}/")  # warm caches that are not per request
        with CaptureQueriesContext(connection) as queries:
            html = get(reader, f"/kecamatan/{code}/?periode=2025&sektor=gizi")
        counts.append(len(queries))
        assert "Kartu skor" in html
    assert counts[0] == counts[1], counts
    assert counts[1] <= 15, counts


@pytest.mark.usefixtures("sleman")
def test_sample_data_is_labelled_and_the_page_is_light_on_a_phone(reader: Client) -> None:
    response = reader.get("/kecamatan/34.04.01/")
    html = response.content.decode()
    assert "Data contoh" in html
    assert "Kecamatan Gamping" in html
    compressed = len(gzip.compress(response.content))
    assert compressed < 40_000, compressed
    assert not re.search(r'(src|href)="(https?:)?//', html), "no request to another host"


@pytest.mark.usefixtures("diy_regions", "catalogue")
def test_a_kecamatan_without_data_or_boundaries_still_renders(reader: Client) -> None:
    html = get(reader, "/kecamatan/34.03.01/")
    assert "Belum ada data untuk wilayah ini" in html
    assert "Peta petak" in html  # the tile grid stands in for missing polygons
    assert "Data contoh" not in html
