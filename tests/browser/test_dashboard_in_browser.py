"""The camat's dashboard in a real browser: filters through htmx (and without JavaScript),
the map as the way to a desa, printing, and a 360 px phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

FIXTURES = Path(__file__).parent.parent / "fixtures" / "boundaries"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GAMPING = "34.04.01"


@pytest.fixture
def gamping_with_data(diy_regions: None) -> None:
    """Kecamatan Gamping with desa polygons, sample values 2024–2025 and sample APBDes."""
    from catalog.loading import load_catalogue
    from datavalues.models import How
    from datavalues.sample import Desa, sample_values
    from datavalues.writing import ValueInput, save_values
    from planning.models import BudgetLine, Stage
    from planning.sample import sample_lines
    from regions.models import Region
    from regions.sizes import refresh_region_sizes

    call_command("importboundaries", str(FIXTURES / "gamping_desa.geojson"), verbosity=0)
    load_catalogue()
    desa = list(Region.objects.filter(parent_id=GAMPING).values_list("code", flat=True))
    rows = [
        ValueInput(code, element, period, value, "contoh")
        for code, element, period, value in sample_values([Desa(c) for c in desa], [2024, 2025])
    ]
    save_values(values=rows, how=How.SAMPLE, source="contoh")
    refresh_region_sizes()
    BudgetLine.objects.bulk_create(
        BudgetLine(
            desa_id=line.desa,
            year=line.year,
            stage=Stage.FINAL,
            kegiatan_code=line.kegiatan_code,
            name=line.name,
            fund_source=line.fund_source,
            budget_rp=line.budget_rp,
            realised_rp=line.realised_rp,
            source="contoh",
        )
        for line in sample_lines(desa, [2024, 2025])
    )


def overflow(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


@pytest.mark.usefixtures("gamping_with_data")
def test_a_camat_changes_sector_and_indicator_then_taps_a_desa_on_the_map(
    live_server: Any, signed_in: Any
) -> None:
    page = signed_in.new_page()
    page.goto(f"{live_server.url}/kecamatan/{GAMPING}/")
    assert page.locator("h1").inner_text() == "Kecamatan Gamping"
    assert "Data contoh" in page.locator(".sample").inner_text()

    page.select_option("select[name=sektor]", "gizi")
    page.wait_for_url("**sektor=gizi**")
    page.wait_for_selector("#h-matriks:has-text('Gizi dan stunting')")
    assert page.locator("select[name=indikator]").input_value() == "G01"

    page.select_option("select[name=indikator]", "G02")
    page.wait_for_url("**indikator=G02**")
    page.wait_for_selector("#h-indikator:has-text('G02')")

    # The back button returns to the previous filters.
    page.go_back()
    page.wait_for_url("**indikator=G01**")
    page.wait_for_selector("#h-indikator:has-text('G01')")

    page.locator(f"figure.map svg a[href^='/desa/{GAMPING}.2002/'] path").click()
    page.wait_for_url(f"**/desa/{GAMPING}.2002/**")
    assert page.locator("h1").inner_text() == "Desa Ambarketawang"
    assert page.locator("select[name=sektor]").input_value() == "gizi"


@pytest.mark.usefixtures("gamping_with_data")
def test_the_filters_work_without_javascript(live_server: Any, browser: Any) -> None:
    from tests.browser.conftest import national_reader_cookie

    context = browser.new_context(java_script_enabled=False)
    context.add_cookies([national_reader_cookie(live_server)])
    page = context.new_page()
    page.goto(f"{live_server.url}/kecamatan/{GAMPING}/")
    page.select_option("select[name=sektor]", "pendidikan")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**sektor=pendidikan**")
    assert "Kartu skor Pendidikan" in page.locator("#h-matriks").inner_text()
    context.close()


@pytest.mark.usefixtures("gamping_with_data")
def test_the_kecamatan_page_prints_on_a4_with_map_and_tables(
    live_server: Any, signed_in: Any
) -> None:
    page = signed_in.new_page()
    page.goto(f"{live_server.url}/kecamatan/{GAMPING}/?periode=2025&sektor=gizi&indikator=G02")
    page.emulate_media(media="print")
    assert page.locator("form.filters").is_hidden()
    assert page.locator(".print-filters").is_visible()
    assert page.locator("figure.map svg").is_visible()
    assert page.locator("table.matrix").is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert 1 <= pages <= 6, pages


@pytest.mark.usefixtures("gamping_with_data")
def test_no_dashboard_page_overflows_a_360px_screen(live_server: Any, phone: Any) -> None:
    for path in (
        f"/kecamatan/{GAMPING}/",
        f"/kecamatan/{GAMPING}/?sektor=gizi&urut=G02",
        f"/desa/{GAMPING}.2001/",
        f"/kecamatan/{GAMPING}/belanja/",
        "/kabupaten/34.04/",
        "/provinsi/34/",
        "/nasional/",
    ):
        phone.goto(live_server.url + path)
        assert phone.locator("h1").count() == 1, path
        assert overflow(phone) == 0, path
