"""The kabupaten officer sets a local (RPJMD) target on a 360 px phone, by clicking only:
nothing hidden, nothing wider than the screen, buttons at least 44 × 44 px."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.phone import phone_as, phone_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KAB = "91.01"


def test_the_kabupaten_officer_sets_and_ends_a_target_on_a_phone(
    live_server: Any, browser: Any
) -> None:
    from django.contrib.auth.models import User

    from accounts import assigning
    from catalog.loading import load_catalogue
    from catalog.models import RegionTarget
    from tests.analytics_fixtures import make_regions

    load_catalogue()
    make_regions([[2]])
    officer = User.objects.create_user("dpmd-ponsel")
    assigning.grant(by=None, user=officer, role="kabupaten", region_code=KAB)

    page = phone_as(browser, live_server, officer)
    page.goto(live_server.url + f"/kabupaten/{KAB}/")
    page.click("nav >> text=Target daerah")
    page.wait_for_url(f"**/kabupaten/{KAB}/target-daerah/")
    assert phone_problems(page) == []

    page.select_option("select[name=indicator]", label="G04 " + _name("G04"))
    page.fill("input[name=value]", "85,5")
    page.fill("input[name=basis]", "Perda Kab. Contoh 4/2021 tentang RPJMD 2021–2026")
    page.fill("input[name=valid_from]", "2021")
    page.fill("input[name=valid_to]", "2026")
    page.click("form.stack button[type=submit]")
    page.locator("table.local-targets").wait_for()
    assert "≥ 85,5%" in page.content()
    assert phone_problems(page) == []

    page.click("table.local-targets >> text=Ubah")
    page.wait_for_url("**/target-daerah/*/")
    page.fill("input[name=valid_to]", "2019")  # before the first year: refused, said why
    page.click("form.stack button[type=submit]")
    page.locator("text=Tahun akhir sebelum tahun awal.").wait_for()
    assert phone_problems(page) == []
    page.goto(live_server.url + f"/kabupaten/{KAB}/target-daerah/")
    page.click("table.local-targets >> text=Akhiri")
    page.locator("text=diakhiri").first.wait_for()
    assert RegionTarget.objects.get().is_ended
    page.context.close()


def _name(code: str) -> str:
    from catalog.models import Indicator

    return Indicator.objects.get(code=code).name_id
