from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

FIXTURES = Path(__file__).parent.parent / "fixtures" / "boundaries"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gamping(diy_regions: None) -> None:
    call_command("importboundaries", str(FIXTURES / "gamping_desa.geojson"), verbosity=0)


def overflow(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


@pytest.mark.usefixtures("gamping")
def test_a_phone_reader_taps_a_desa_on_the_kecamatan_map_and_reaches_the_desa_page(
    live_server: Any, phone: Any
) -> None:
    phone.goto(f"{live_server.url}/wilayah/34.04.01/")
    assert phone.locator("h1").inner_text() == "Kecamatan Gamping"
    assert overflow(phone) == 0

    phone.locator("svg a[href='/wilayah/34.04.01.2002/'] path").click()

    phone.wait_for_url("**/wilayah/34.04.01.2002/")
    assert phone.locator("h1").inner_text() == "Desa Ambarketawang"
    assert overflow(phone) == 0


@pytest.mark.usefixtures("diy_regions")
def test_nothing_overflows_a_360px_screen_on_any_level(live_server: Any, phone: Any) -> None:
    for code in ("", "34/", "34.04/", "34.71.01/", "34.71.01.1001/"):
        phone.goto(f"{live_server.url}/wilayah/{code}")
        assert overflow(phone) == 0, code


@pytest.mark.usefixtures("diy_regions")
def test_the_language_switch_turns_the_page_english_without_javascript(
    live_server: Any, browser: Any
) -> None:
    from tests.browser.conftest import national_reader_cookie

    context = browser.new_context(java_script_enabled=False, locale="en-US")
    context.add_cookies([national_reader_cookie(live_server)])
    page = context.new_page()
    page.goto(f"{live_server.url}/wilayah/34.04/")
    assert page.locator("html").get_attribute("lang") == "id"

    page.locator("form.lang button[value='en']").click()

    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.endswith("/wilayah/34.04/")
    context.close()
