"""A file import on a 360 px phone: the kecamatan's operator uploads a CSV through the form
and reads every row's fate, desa code included, without the page overflowing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = (
    "kode_wilayah,kode_data,periode,nilai\n"
    "34.04.01.2001,BUMIL_SASARAN,2025,120\n"
    "34.04.01.2002,BUMIL_ANC,2025,abc\n"
)


def test_the_import_preview_shows_each_rows_desa_on_a_360px_phone(
    diy_regions: None, live_server: Any, browser: Any, tmp_path: Path
) -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    from accounts import assigning
    from catalog.loading import load_catalogue

    load_catalogue()
    user = User.objects.create_user("operator-gamping", password="x" * 12)
    assigning.grant(by=None, user=user, role="kecamatan", region_code="34.04.01")
    client = Client()
    client.force_login(user)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.add_cookies([{**cookie, "url": live_server.url}])
    page = context.new_page()
    path = tmp_path / "gamping.csv"
    path.write_text(ROWS)
    page.goto(live_server.url + "/impor/")
    page.set_input_files("input[type=file]", str(path))
    page.click("main button.primary")
    page.wait_for_url("**/impor/*/")
    assert page.locator("td", has_text="34.04.01.2002").is_visible()
    assert page.locator("td", has_text="bukan bilangan").is_visible()
    assert int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) == 0
    context.close()
