from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

FIXTURES = Path(__file__).parent / "fixtures" / "boundaries"

pytestmark = pytest.mark.usefixtures("diy_regions")


@pytest.fixture
def client(db: None) -> Client:
    """A national reader: every page needs a login (who sees what: tests/test_access_matrix.py)."""
    from django.contrib.auth.models import User

    from accounts.models import Assignment

    user = User.objects.create_user("pembaca-nasional")
    Assignment.objects.create(user=user, role="viewer", region=None)
    logged_in = Client()
    logged_in.force_login(user)
    return logged_in


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response
    return response.content.decode()


def test_the_national_page_lists_the_provinces_with_counts(client: Client) -> None:
    html = page(client, "/wilayah/")

    assert "<h1>Indonesia</h1>" in html
    assert 'href="/wilayah/34/"' in html
    assert "Daerah Istimewa Yogyakarta" in html
    assert "<strong>438</strong> desa/kelurahan" in html


def test_a_kabupaten_page_shows_breadcrumbs_and_its_kecamatan_with_their_desa_counts(
    client: Client,
) -> None:
    html = page(client, "/wilayah/34.04/")

    assert "<h1>Kabupaten Sleman</h1>" in html
    crumbs = re.search(r'<nav class="crumbs".*?</nav>', html, re.S)
    assert crumbs is not None
    assert re.findall(r">([^<>]+)</a>", crumbs.group(0)) == [
        "Indonesia",
        "Daerah Istimewa Yogyakarta",
    ]
    assert "17 wilayah di bawahnya" in html
    row = re.search(r'<tr><td class="code">34.04.01</td>.*?</tr>', html)
    assert row is not None
    assert "Gamping" in row.group(0) and "Kecamatan" in row.group(0)
    assert '<td class="num">5</td>' in row.group(0)


def test_a_kecamatan_page_lists_its_desa_and_draws_a_tile_grid_without_boundaries(
    client: Client,
) -> None:
    html = page(client, "/wilayah/34.04.01/")

    assert "<h1>Kecamatan Gamping</h1>" in html
    for name in ("Balecatur", "Ambarketawang", "Banyuraden", "Nogotirto", "Trihanggo"):
        assert name in html
    assert 'class="map map-grid"' in html
    assert html.count('class="area tile') == 5
    assert 'href="/wilayah/34.04.01.2001/"' in html


def test_a_kecamatan_page_draws_real_polygons_once_imported(client: Client) -> None:
    call_command("importboundaries", str(FIXTURES / "gamping_desa.geojson"), verbosity=0)

    html = page(client, "/wilayah/34.04.01/")

    assert 'class="map map-polygons"' in html
    assert html.count('<path class="area') == 4
    assert "1 wilayah belum punya poligon batas." in html


def test_a_desa_page_names_its_kind_and_postal_code(client: Client) -> None:
    html = page(client, "/wilayah/34.04.01.2001/")

    assert "<h1>Desa Balecatur</h1>" in html
    assert "kode pos 55295" in html
    assert ">Gamping</a>" in html


def test_a_kelurahan_is_called_a_kelurahan(client: Client) -> None:
    assert "<h1>Kelurahan Kricak</h1>" in page(client, "/wilayah/34.71.01.1001/")


def test_an_unknown_code_is_404(client: Client) -> None:
    page(client, "/wilayah/34.04.99/", status=404)
    page(client, "/wilayah/99/", status=404)


def test_a_malformed_code_is_404(client: Client) -> None:
    page(client, "/wilayah/34.4/", status=404)
    page(client, "/wilayah/<script>/", status=404)


def test_search_finds_a_desa_by_name_and_shows_its_parent(client: Client) -> None:
    html = page(client, "/wilayah/cari?q=balecatur")

    assert 'href="/wilayah/34.04.01.2001/"' in html
    assert "Gamping" in html


def test_search_by_code_finds_the_region(client: Client) -> None:
    assert 'href="/wilayah/34.04/"' in page(client, "/wilayah/cari?q=34.04")


def test_search_with_no_match_says_so_and_escapes_the_query(client: Client) -> None:
    html = page(client, "/wilayah/cari?q=<b>zzz</b>")

    assert "Tidak ada wilayah yang cocok" in html
    assert "&lt;b&gt;zzz&lt;/b&gt;" in html
    assert "<b>zzz</b>" not in html


def test_the_page_is_in_indonesian_even_when_the_browser_asks_for_english(client: Client) -> None:
    html = client.get("/wilayah/34.04/", HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()

    assert '<html lang="id">' in html


def test_the_page_speaks_english_once_the_user_chooses_it(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/wilayah/34.04/"})
    assert response.status_code == 302

    html = client.get("/wilayah/34.04/").content.decode()

    assert '<html lang="en">' in html


def test_the_kecamatan_page_needs_a_bounded_number_of_queries(client: Client) -> None:
    call_command("importboundaries", str(FIXTURES / "gamping_desa.geojson"), verbosity=0)
    client.get("/wilayah/34.04.01/")  # warm caches (sessions, content types)

    with CaptureQueriesContext(connection) as queries:
        page(client, "/wilayah/34.04.01/")

    assert len(queries) <= 10, [q["sql"] for q in queries]


def test_the_kecamatan_page_with_real_boundaries_is_small_and_self_contained(
    client: Client, real_data: Path
) -> None:
    call_command(
        "importboundaries",
        str(real_data / "boundaries" / "34_diy_desa_kelurahan.geojson"),
        verbosity=0,
    )

    for code in ("34.04.01", "34.03.12", "34.02.17"):
        html = page(client, f"/wilayah/{code}/")
        assert 'class="map map-polygons"' in html
        assert len(gzip.compress(html.encode())) < 100_000
        # No request to another host: every src/href is local.
        assert not re.search(r'(src|href)="(https?:)?//', html)


def test_a_visitor_who_is_not_signed_in_is_sent_to_the_login_page_without_a_search_box() -> None:
    anonymous = Client()

    response = anonymous.get("/wilayah/34.04/", follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0].startswith("/masuk/")
    assert 'name="password"' in html
    assert 'role="search"' not in html


def test_svg_coordinates_use_a_decimal_point_even_in_indonesian(client: Client) -> None:
    # Indonesian number formatting writes 50,0; in SVG that is a list of two coordinates.
    html = page(client, "/wilayah/34.04.01/")

    coordinates = re.findall(r'\s(?:x|y|font-size)="([^"]*)"', html)
    assert coordinates
    assert not [c for c in coordinates if "," in c]
