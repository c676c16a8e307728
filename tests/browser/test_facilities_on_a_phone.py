"""The facilities register, the population profile and the map layer on a 360 px phone:
nothing hidden, nothing wider than the screen, pyramid and map text at least 12 px."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import Role
from datavalues.writing import ValueInput, save_values
from facilities.models import Facility
from tests.browser.phone import phone_as, phone_problems
from tests.browser.test_dashboard_in_browser import GAMPING, gamping_with_data  # noqa: F401
from tests.browser.test_phone_pages import user_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESA = f"{GAMPING}.2001"


@pytest.mark.usefixtures("gamping_with_data")
def test_the_register_and_the_profile_fit_a_phone(live_server: Any, browser: Any) -> None:
    groups = ("0_4", "5_9", "10_14", "15_19", "20_24", "75_PLUS")
    save_values(
        values=[ValueInput(DESA, f"PDDK_{s}_{g}", "2025", 40) for s in "LP" for g in groups],
        how="file",
    )
    Facility.objects.create(
        desa_id=DESA,
        kind="posyandu",
        name="Posyandu Melati Dusun Tiga",
        status_date="2024-01-01",
        latitude=-7.79,
        longitude=110.32,
    )
    page = phone_as(browser, live_server, user_with(Role.KECAMATAN, GAMPING))
    for path in (
        f"/desa/{DESA}/fasilitas/",
        f"/desa/{DESA}/fasilitas/tambah/",
        f"/desa/{DESA}/penduduk/",
        f"/desa/{DESA}/",
        f"/kecamatan/{GAMPING}/?lapisan=fasilitas",
    ):
        page.goto(live_server.url + path)
        assert phone_problems(page) == [], path
    page.goto(f"{live_server.url}/desa/{DESA}/penduduk/")
    sizes = page.locator(".pyramid svg text").evaluate_all(
        "ts => ts.map(t => t.getBoundingClientRect().height)"
    )
    assert sizes and min(sizes) >= 12
    page.context.close()
