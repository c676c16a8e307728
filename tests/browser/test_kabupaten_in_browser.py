"""The kabupaten officer, the camat and the desa operator through the Musrenbang, by clicking
only, on a 360 px phone and a 1280 px desktop."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KAB, KEC, DESA = "91.01", "91.01.01", "91.01.01.2001"


def _page(browser: Any, live_server: Any, username: str, width: int) -> tuple[Any, Any]:
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username=username))
    context = browser.new_context(viewport={"width": width, "height": 800}, accept_downloads=True)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context, context.new_page()


def _fits(page: Any) -> None:
    assert int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) <= 0


@pytest.mark.parametrize("width", [360, 1280])
def test_the_musrenbang_from_proposal_to_opd_decision_by_clicking(
    live_server: Any, browser: Any, width: int
) -> None:
    from django.contrib.auth.models import User

    from accounts import assigning
    from catalog.loading import load_catalogue
    from planning.proposals import Proposal, create_proposal
    from regions.models import Region
    from tests.analytics_fixtures import make_regions

    load_catalogue()
    make_regions([[3, 2]])
    for name, role, region in (
        ("dpmd", "kabupaten", KAB),
        ("camat", "kecamatan", KEC),
        ("operator", "desa", DESA),
    ):
        assigning.grant(by=None, user=User.objects.create_user(name), role=role, region_code=region)
    for desa, activity in (
        (DESA, "Posyandu keliling"),
        (DESA, "Air bersih"),
        (f"{KEC}.2002", "PAUD"),
    ):
        create_proposal(
            by="camat",
            desa=Region.objects.get(code=desa),
            year=2027,
            problem="masalah",
            activity=activity,
            volume=1,
            unit="paket",
            cost_rp=10_000_000,
            opd="dinkes",
        )

    # The kabupaten officer reaches the completeness view from home.
    context, page = _page(browser, live_server, "dpmd", width)
    page.goto(live_server.url + "/")
    page.click("text=Pengawasan kecamatan")
    page.click("text=Kelengkapan dan ketepatan waktu")
    page.wait_for_url(f"**/kabupaten/{KAB}/kelengkapan/**")
    heading = page.locator("h1", has_text="Kelengkapan dan ketepatan waktu")
    heading.wait_for()
    assert heading.is_visible()
    _fits(page)
    context.close()

    # The camat agrees the three proposals and downloads the berita acara.
    context, page = _page(browser, live_server, "camat", width)
    page.goto(live_server.url + "/")  # the camat's work menu
    page.click("main >> text=Buka dasbor")
    page.click("main >> a:has-text('Usulan Musrenbang')")
    page.click("text=Usulan dan berita acara")
    page.click("nav.chips >> text=2027")
    for box in page.locator("input[name=pilih]").all():
        box.check()
    page.click("text=Sepakati yang dicentang")
    page.locator(".messages li", has_text="usulan disepakati").wait_for()
    assert page.locator("td", has_text="disepakati di Musrenbang kecamatan").count() == 3
    _fits(page)
    with page.expect_download() as download:
        page.click("text=Berita acara (PDF)")
    assert download.value.suggested_filename == f"berita-acara-{KEC}-2027.pdf"
    context.close()

    # The kabupaten records one OPD decision from the proposals-by-OPD view.
    context, page = _page(browser, live_server, "dpmd", width)
    page.goto(live_server.url + "/")
    page.click("text=Pengawasan kecamatan")
    page.click("text=Usulan Musrenbang per OPD dan keputusan OPD")
    page.click("nav.chips >> text=2027")
    first = Proposal.objects.get(activity="Posyandu keliling")
    row = page.locator(f"#u-{first.pk}")
    row.locator("select[name=status]").select_option("diterima")
    row.locator("button", has_text="Catat").click()
    page.locator("strong", has_text="diterima ke Renja OPD").first.wait_for()
    assert Proposal.objects.get(pk=first.pk).status == "diterima"
    context.close()

    # The desa operator sees it.
    context, page = _page(browser, live_server, "operator", width)
    page.goto(live_server.url + "/")  # the desa's work menu
    page.click("main >> text=Buka dasbor")
    page.click("main >> text=Usulan Musrenbang")
    page.wait_for_url(f"**/desa/{DESA}/usulan/")
    accepted = page.locator("td", has_text="diterima ke Renja OPD")
    accepted.wait_for()
    assert accepted.is_visible()
    _fits(page)
    context.close()
