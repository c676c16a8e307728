"""Clear feedback: English catalogue names, compressed pages, messages shown once."""

from __future__ import annotations

import gzip

import pytest
from django.conf import settings

from accounts.models import Role
from datavalues.writing import ValueInput, save_values
from tests.cast import Cast, cast_fixture  # noqa: F401

pytestmark = pytest.mark.usefixtures("catalogue")
DESA = "34.04.01.2001"


def test_english_mode_shows_the_catalogue_english_names(cast: Cast) -> None:
    save_values(values=[ValueInput(DESA, "BUMIL_SASARAN", "2024", 100)], how="form")
    client = cast.client(Role.KECAMATAN)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/kecamatan/34.04.01/?sektor=gizi").content.decode()
    assert "Nutrition and stunting" in html and "Gizi dan stunting" not in html
    entry = cast.client(Role.DESA)
    entry.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    form = entry.get(f"/isi/{DESA}/2024/?sektor=kesehatan").content.decode()
    assert "Pregnant women (target population)" in form and "Ibu hamil (sasaran)" not in form
    indonesian = cast.client(Role.KECAMATAN).get("/kecamatan/34.04.01/?sektor=gizi")
    assert "Gizi dan stunting" in indonesian.content.decode()


def test_pages_are_sent_compressed_when_the_browser_accepts_it(cast: Cast) -> None:
    client = cast.client(Role.KECAMATAN)
    response = client.get("/kecamatan/34.04.01/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert b"Kecamatan Gamping" in gzip.decompress(response.content)
    plain = client.get("/kecamatan/34.04.01/")
    assert not plain.has_header("Content-Encoding")


def test_a_message_is_shown_once(cast: Cast) -> None:
    client = cast.client(Role.DESA)
    response = client.post(f"/isi/{DESA}/2024/?sektor=kesehatan", {}, follow=True)
    html = response.content.decode()
    assert html.count("Tersimpan: 0 nilai.") == 1
