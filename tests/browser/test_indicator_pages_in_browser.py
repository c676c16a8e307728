"""From a scorecard cell to the indicator page on a 360 px phone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.dashboard_fixtures import known_fixture  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def overflow(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


@pytest.mark.usefixtures("known")
def test_a_camat_opens_the_meaning_of_an_indicator_from_a_scorecard_cell_on_a_phone(
    live_server: Any, phone: Any
) -> None:
    from planning.activities import load_activities

    load_activities()
    phone.goto(f"{live_server.url}/kecamatan/91.01.01/?periode=2025&sektor=kesehatan")
    cell = phone.locator("table.matrix tbody td a[href='/indikator/K01/']").first
    cell.scroll_into_view_if_needed()
    cell.click()
    phone.wait_for_url("**/indikator/K01/")
    assert "Pelayanan kesehatan ibu hamil sesuai standar" in phone.locator("h1").inner_text()
    body = phone.locator("main, body").first.inner_text()
    assert "Ibu hamil mendapat ANC sesuai standar" in body  # the numerator by name
    assert "PP 2/2018; Permenkes 6/2024" in body
    assert "2.2.01" in body  # a kegiatan the desa can budget
    assert overflow(phone) <= 0
