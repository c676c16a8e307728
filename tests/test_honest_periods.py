"""Honest periods: an early low-coverage upload does not become the default period."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import Role
from datavalues.models import How
from datavalues.writing import ValueInput, save_values
from regions.models import Level, Region
from tests.cast import Cast, cast_fixture  # noqa: F401

pytestmark = pytest.mark.usefixtures("catalogue")
KECAMATAN = "34.04.01"


def report(desa: list[str], year: int) -> None:
    save_values(
        values=[
            ValueInput(d, e, str(year), v)
            for d in desa
            for e, v in (("BUMIL_SASARAN", 100), ("BUMIL_ANC", 90))
        ],
        how=How.FORM,
    )


@pytest.fixture
def early_upload(cast: Cast) -> list[str]:
    from regions.sizes import refresh_region_sizes

    desa = list(
        Region.objects.filter(level=Level.DESA, parent_id=KECAMATAN)
        .order_by("code")
        .values_list("code", flat=True)
    )
    refresh_region_sizes()
    report(desa, 2024)  # every desa
    report(desa[:1], 2025)  # one early upload for the new year
    return desa


def page(client: Client, query: str = "") -> str:
    return client.get(f"/kecamatan/{KECAMATAN}/{query}").content.decode()


def test_the_default_period_is_the_latest_with_enough_coverage(
    cast: Cast, early_upload: list[str]
) -> None:
    html = page(cast.client(Role.KECAMATAN))
    assert '<option value="2024" selected>' in html
    assert f"2025 · 1 dari {len(early_upload)} desa melapor" in html
    assert f"2024 · {len(early_upload)} dari {len(early_upload)} desa melapor" in html
    assert "Data sebagian" not in html


def test_a_year_below_the_threshold_is_marked_when_chosen(
    cast: Cast, early_upload: list[str]
) -> None:
    html = page(cast.client(Role.KECAMATAN), "?periode=2025")
    assert "Data sebagian" in html
    assert (
        html.count(f"1 dari {len(early_upload)} desa melapor") >= 4
    )  # picker, cards, map, ranking


def test_the_threshold_is_a_setting(cast: Cast, early_upload: list[str], settings: Any) -> None:
    settings.COVERAGE_THRESHOLD_PCT = 5
    assert '<option value="2025" selected>' in page(cast.client(Role.KECAMATAN))


def test_the_report_of_a_year_below_the_threshold_says_how_few_desa_reported(
    cast: Cast, early_upload: list[str]
) -> None:
    import io

    from pypdf import PdfReader

    client = cast.client(Role.KECAMATAN)
    response = client.get(f"/kecamatan/{KECAMATAN}/laporan.pdf?periode=2025")
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert f"1 dari {len(early_upload)} desa melapor" in text
    full = client.get(f"/kecamatan/{KECAMATAN}/laporan.pdf?periode=2024")
    assert "desa melapor" not in PdfReader(io.BytesIO(full.content)).pages[0].extract_text()
