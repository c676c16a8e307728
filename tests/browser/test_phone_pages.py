"""Every page of the planning cycle on a 360 px phone: nothing hidden, nothing wider than
the screen, chart and map text at least 12 px, primary buttons at least 44 × 44 px."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import Assignment, Role
from tests.browser.phone import phone_as, phone_problems
from tests.browser.test_dashboard_in_browser import GAMPING, gamping_with_data  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESA = f"{GAMPING}.2001"


def user_with(role: str, region: str) -> Any:
    from django.contrib.auth.models import User

    user = User.objects.create_user(f"{role}-ponsel")
    Assignment.objects.create(user=user, role=role, region_id=region)
    return user


@pytest.mark.usefixtures("gamping_with_data")
def test_the_camat_pages_fit_a_phone_with_nothing_hidden(live_server: Any, browser: Any) -> None:
    page = phone_as(browser, live_server, user_with(Role.KECAMATAN, GAMPING))
    for path in (
        f"/kecamatan/{GAMPING}/",
        f"/kecamatan/{GAMPING}/?sektor=gizi&indikator=G01",
        f"/kecamatan/{GAMPING}/belanja/",
        f"/desa/{DESA}/",
        f"/kecamatan/{GAMPING}/tindak-lanjut/",
        f"/kelengkapan/{GAMPING}/2024/",
        f"/persetujuan/{DESA}/2024/",
        f"/isi/{DESA}/2024/?sektor=kesehatan",
        f"/desa/{DESA}/rekomendasi/",
        f"/desa/{DESA}/evaluasi-apbdes/",
    ):
        page.goto(live_server.url + path)
        assert phone_problems(page) == [], path
    page.context.close()


@pytest.mark.usefixtures("gamping_with_data")
def test_the_entry_form_shows_every_input_with_its_label_on_a_phone(
    live_server: Any, browser: Any
) -> None:
    page = phone_as(browser, live_server, user_with(Role.DESA, DESA))
    page.goto(f"{live_server.url}/isi/{DESA}/2024/?sektor=kesehatan")
    inputs = page.locator("table.entry input[name^=v_]")
    assert inputs.count() > 5
    for index in range(inputs.count()):
        box = inputs.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
        assert box["height"] >= 44
    label = page.locator("table.entry tbody td[data-label]").first.evaluate(
        "td => getComputedStyle(td, '::before').content"
    )
    assert "Periode lalu" in label
    assert phone_problems(page) == []
    page.context.close()


@pytest.mark.usefixtures("gamping_with_data")
def test_map_statuses_are_patterns_that_survive_black_and_white_print(
    live_server: Any, browser: Any
) -> None:
    page = phone_as(browser, live_server, user_with(Role.KECAMATAN, GAMPING))
    page.goto(f"{live_server.url}/kecamatan/{GAMPING}/?periode=2025&sektor=kesehatan&indikator=K01")
    fills = page.evaluate(
        """() => Array.from(document.querySelectorAll(
             'figure.map .area.st-bad, figure.map .area.st-track, figure.map .area.st-none'))
           .map(a => [a.getAttribute('class'), getComputedStyle(a).fill])"""
    )
    assert fills, "no area behind target, on track or without data"
    for css, fill in fills:
        status = css.split("st-")[1].split()[0]
        assert f"#pat-{status}" in fill, (css, fill)
    page.context.close()
