"""A Kemendes IDM file on a 360 px phone: Sleman's kabupaten planner uploads it and reads
the preview — a name-match suggestion to tick, a row left over — without the page
overflowing, no cell or input hidden, and the suggestion's box within reach."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.phone import phone_as, phone_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The official layout (undotted codes): a desa under its own code, an unknown code whose
# name is the only desa of that name in Sleman (a suggestion), and one that matches nothing.
ROWS = (
    "KODE_DESA,NAMA_PROVINSI,NAMA_KABUPATEN,NAMA_DESA,IKS_2024,IKE_2024,IKL_2024,"
    "NILAI_IDM_2024,STATUS_IDM_2024\n"
    "3404012002,DI YOGYAKARTA,SLEMAN,AMBARKETAWANG,0.8,0.7,0.9,0.8,MAJU\n"
    "3404192001,DI YOGYAKARTA,SLEMAN,Desa Balecatur,0.7,0.7,0.7,0.7,BERKEMBANG\n"
    "3404992002,DI YOGYAKARTA,SLEMAN,ENTAH DI MANA YANG NAMANYA PANJANG SEKALI,"
    "0.6,0.5,0.6,0.57,TERTINGGAL\n"
)


def _planner() -> Any:
    from django.contrib.auth.models import User

    from accounts import assigning

    user = User.objects.create_user("perencana-sleman", password="x" * 12)
    assigning.grant(by=None, user=user, role="kabupaten", region_code="34.04")
    return user


def test_the_idm_preview_fits_a_360px_phone_with_its_suggestion_within_reach(
    diy_regions: None, catalogue: None, live_server: Any, browser: Any, tmp_path: Path
) -> None:
    page = phone_as(browser, live_server, _planner())
    path = tmp_path / "idm_2024_sleman.csv"
    path.write_text(ROWS)
    page.goto(live_server.url + "/impor/")
    page.select_option("select[name=kind]", "idm")
    page.set_input_files("input[type=file]", str(path))
    page.click("main button.primary")
    page.wait_for_url("**/impor/*/")
    assert page.locator("td", has_text="34.04.99.2002").is_visible()  # the leftover
    assert page.locator("td", has_text="Desa Balecatur").is_visible()  # the suggestion
    assert phone_problems(page) == []
    box = page.locator("input[name=cocok][value='34.04.19.2001']")
    box.scroll_into_view_if_needed()
    edge = box.bounding_box()
    assert edge is not None and edge["x"] >= 0 and edge["x"] + edge["width"] <= 360
    box.check()  # reachable: a tap on it ticks it
    assert box.is_checked()
    page.context.close()
