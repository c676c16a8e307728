"""A file import on a 360 px phone and a 1280 px screen: the kecamatan's operator uploads a
CSV through the form and reads every row's fate, desa code included, without the page
overflowing; a file with many columns scrolls inside its own box, with nothing hidden."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.phone import phone_problems, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = (
    "kode_wilayah,kode_data,periode,nilai\n"
    "34.04.01.2001,BUMIL_SASARAN,2025,120\n"
    "34.04.01.2002,BUMIL_ANC,2025,abc\n"
)


def _operator(live_server: Any) -> dict[str, Any]:
    from django.contrib.auth.models import User

    from accounts import assigning
    from catalog.loading import load_catalogue

    load_catalogue()
    user = User.objects.create_user("operator-gamping", password="x" * 12)
    assigning.grant(by=None, user=user, role="kecamatan", region_code="34.04.01")
    return session_cookie(user, live_server)


def _wide_file() -> str:
    """Every yearly data element as a template column, its name in the header."""
    from catalog.models import DataElement
    from catalog.periods import PeriodType

    elements = list(DataElement.objects.filter(period_type=PeriodType.YEAR).order_by("code")[:30])
    header = ["kode_wilayah", "nama_desa", "periode"]
    header += [f"{e.code} ({e.name_id})" for e in elements]
    rows = [",".join(f'"{h}"' for h in header)]
    for desa in ("34.04.01.2001", "34.04.01.2002"):
        rows.append(",".join([desa, "Balecatur", "2025", *("1" for _ in elements)]))
    rows.append(",".join(["34.04.01.2003", "Ambarketawang", "2025", "abc", *("2",) * 29]))
    return "\n".join(rows) + "\n"


def _overflow(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def test_the_import_preview_shows_each_rows_desa_on_a_360px_phone(
    diy_regions: None, live_server: Any, browser: Any, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.add_cookies([_operator(live_server)])
    page = context.new_page()
    path = tmp_path / "gamping.csv"
    path.write_text(ROWS)
    page.goto(live_server.url + "/impor/")
    page.set_input_files("input[type=file]", str(path))
    page.click("main button.primary")
    page.wait_for_url("**/impor/*/")
    assert page.locator("td", has_text="34.04.01.2002").is_visible()
    assert page.locator("td", has_text="bukan bilangan").is_visible()
    assert _overflow(page) == 0
    context.close()


@pytest.mark.parametrize("width", [1280, 360])
def test_a_preview_of_a_file_with_many_columns_fits_the_screen(
    diy_regions: None, live_server: Any, browser: Any, tmp_path: Path, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.add_cookies([_operator(live_server)])
    page = context.new_page()
    path = tmp_path / ("laporan_tahunan_seluruh_desa_kecamatan_gamping_" * 3 + ".csv")
    path.write_text(_wide_file())
    page.goto(live_server.url + "/impor/")
    page.set_input_files("input[type=file]", str(path))
    page.click("main button.primary")
    page.wait_for_url("**/impor/*/")
    assert page.locator("td", has_text="34.04.01.2003").is_visible()
    assert _overflow(page) == 0
    if width == 360:
        assert phone_problems(page) == []
    # Every column is there: at 1280 the table scrolls inside its box.
    scroller = page.locator("div.scroll").first
    last_header = page.locator("table.fates th").last
    if width == 1280:
        assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")
        last_header.scroll_into_view_if_needed()
        assert last_header.is_visible()
    context.close()
