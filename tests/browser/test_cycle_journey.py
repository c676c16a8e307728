"""One planning cycle on a 360 × 780 phone, signed in and clicking only.

The desa operator fills a period and submits it; the camat finds it in the queue, sees the
values and a warning, approves; the kecamatan figure shows the value; the camat creates a
follow-up owned by the desa; the desa operator sees it and its notice on its home and
reports progress; the camat sees the progress in the follow-up's history.
"""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import Assignment, Role
from tests.browser.phone import phone_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
KECAMATAN = "34.04.01"
DESA = f"{KECAMATAN}.2001"
PASSWORD = "kata-sandi-uji-yang-panjang"


@pytest.fixture
def cycle_cast(diy_regions: None) -> dict[str, Any]:
    from django.contrib.auth.models import User

    from catalog.loading import load_catalogue
    from datavalues.writing import ValueInput, save_values
    from regions.sizes import refresh_region_sizes

    load_catalogue()
    refresh_region_sizes()
    # Four earlier years of the desa's pregnant women: the new figure will stand out.
    save_values(
        values=[ValueInput(DESA, "BUMIL_SASARAN", str(y), 100) for y in range(2021, 2025)],
        how="form",
    )
    users: dict[str, Any] = {}
    for role, region in ((Role.DESA, DESA), (Role.KECAMATAN, KECAMATAN)):
        users[role] = User.objects.create_user(f"{role}-siklus", password=PASSWORD)
        Assignment.objects.create(user=users[role], role=role, region_id=region)
    return users


def sign_in(browser: Any, live_server: Any, username: str) -> Any:
    context = browser.new_context(viewport={"width": 360, "height": 780})
    page = context.new_page()
    page.goto(f"{live_server.url}/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector("h1:has-text('Tugas saya')")
    return page


def nav(page: Any, name: str) -> None:
    page.click(f"nav.work a[data-name='{name}']")
    page.wait_for_load_state()


@pytest.mark.usefixtures("cycle_cast")
def test_one_cycle_from_desa_to_camat_and_back_on_a_phone(live_server: Any, browser: Any) -> None:
    from cycle.periods import working_year

    year = str(working_year())
    desa = sign_in(browser, live_server, "desa-siklus")
    assert phone_problems(desa) == []

    # The desa operator fills the health sector of the working year and submits it.
    nav(desa, "entry")
    desa.fill("input[name=v_BUMIL_SASARAN]", "1000")
    desa.fill("input[name=v_BUMIL_ANC]", "900")
    desa.click("main button.primary")
    desa.wait_for_selector("span.warning")  # ten times the earlier years: confirm first
    desa.check("input[name=accept]")
    desa.click("main button.primary")
    desa.wait_for_selector("li.success")
    nav(desa, "approval")
    desa.click("button[value=ajukan]")
    desa.wait_for_selector("strong.state:has-text('diajukan')")

    # The camat finds it in the queue on its home, sees the values and the warning.
    camat = sign_in(browser, live_server, "kecamatan-siklus")
    camat.click(f"ul.tasks a[href='/persetujuan/{DESA}/{year}/']")
    camat.wait_for_selector("table.review-values")
    assert "1000" in camat.locator("table.review-values").first.inner_text()
    assert camat.locator("tr.flagged .warning").count() >= 1
    assert phone_problems(camat) == []
    camat.click("button[value=setujui]")
    camat.wait_for_selector("strong.state:has-text('disetujui')")

    # The kecamatan figure of that year shows the desa's value (900 of 1000 = 90 %).
    nav(camat, "dashboard-kecamatan")
    camat.select_option("select[name=periode]", year)
    camat.wait_for_url(f"**periode={year}**")
    camat.select_option("select[name=sektor]", "kesehatan")
    camat.wait_for_url("**sektor=kesehatan**")
    camat.wait_for_selector("#h-indikator:has-text('K01')")
    assert "90" in camat.locator(".headline .big").inner_text()

    # A follow-up owned by the desa.
    nav(camat, "follow-ups")
    camat.select_option("#id_desa", DESA)
    k01 = camat.locator("#id_indicator option", has_text="K01").first.get_attribute("value")
    camat.select_option("#id_indicator", k01)
    camat.fill("#id_problem", "ANC baru 90 %")
    camat.fill("#id_action", "Kunjungan rumah ibu hamil oleh bidan desa")
    camat.select_option("#id_owner", "desa")
    camat.fill("#id_due_date", "2099-01-31")
    camat.click("section[aria-labelledby=h-baru] button[type=submit]")
    camat.wait_for_selector("text=Kunjungan rumah ibu hamil")

    # The desa operator sees it, and its notice, on its home; reports progress.
    nav(desa, "home")
    assert "Tindak lanjut baru untuk desa" in desa.locator("main").inner_text()
    assert desa.locator("nav.work .badge").inner_text().strip() != ""
    desa.click("ul.tasks a:has-text('tindak lanjut terbuka')")
    desa.wait_for_selector("form.progress-form")
    assert phone_problems(desa) == []
    desa.select_option("form.progress-form select[name=status]", "berjalan")
    desa.fill("form.progress-form textarea[name=note]", "Bidan sudah mengunjungi 12 ibu hamil")
    desa.click("form.progress-form button.primary")
    desa.wait_for_selector("li.success")

    # The camat sees the progress in the follow-up's history.
    nav(camat, "follow-ups")
    camat.locator("details.history summary").first.click()
    assert (
        "Bidan sudah mengunjungi 12 ibu hamil"
        in camat.locator("details.history").first.inner_text()
    )
    desa.context.close()
    camat.context.close()
