"""The upload of another system's export on a 360 px phone: the form, and the row errors
of a bad file, fit the screen with nothing hidden."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from accounts.models import Assignment, Role
from regions.loading import load_regions
from tests import source_files as files
from tests.browser.phone import phone_as, phone_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_source_upload_and_its_row_errors_fit_a_phone(
    live_server: Any, browser: Any, tmp_path: Path
) -> None:
    from django.contrib.auth.models import User

    from catalog.loading import load_catalogue

    load_regions(provinces=["34"])
    load_catalogue()
    user = User.objects.create_user("kecamatan-ponsel")
    Assignment.objects.create(user=user, role=Role.KECAMATAN, region_id="34.04.01")
    page = phone_as(browser, live_server, user)
    page.goto(f"{live_server.url}/impor/sumber/")
    assert "UU 27/2022" in page.content()
    assert phone_problems(page) == []
    children = list(files.EPPGBM_CHILDREN)
    children[0] = (*children[0][:3], "", *children[0][4:])  # no birth date
    bad = files.write_csv(tmp_path / "bad.csv", files.EPPGBM_HEADER, files.eppgbm_rows(children))
    page.select_option("select[name=kind]", "eppgbm")
    page.fill("input[name=kecamatan]", "34.04.01")
    page.set_input_files("input[name=file]", str(bad))
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "Tgl Lahir" in page.content()
    assert phone_problems(page) == []
    page.context.close()
