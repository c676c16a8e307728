"""Completeness and timeliness per desa and sector, against the due date of the period."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from accounts.models import Role
from catalog.models import DataElement
from catalog.periods import parse_period
from datavalues.completeness import completeness, due_date
from datavalues.models import ValueChange
from datavalues.writing import ValueInput, save_values
from regions.models import Region
from tests.cast import Cast, cast_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(cast: Cast, catalogue: None) -> Cast:
    return cast


def test_due_dates_follow_the_period_type() -> None:
    assert due_date(parse_period("2024Q1")) == date(2024, 4, 20)  # e-SPM: the 20th after
    assert due_date(parse_period("2024-02")) == date(2024, 3, 10)


def test_expected_received_and_late_counts_per_desa_and_sector(staff: Cast) -> None:
    save_values(
        values=[
            ValueInput("34.04.01.2001", "BUMIL_SASARAN", "2024", 100),
            ValueInput("34.04.01.2001", "BUMIL_ANC", "2024", 80),
            ValueInput("34.04.01.2002", "BUMIL_SASARAN", "2024", 50),
        ],
        how="form",
    )
    # The second desa's value arrived after the due date (2025-03-31).
    ValueChange.objects.filter(region_id="34.04.01.2002").update(
        changed_at=datetime(2025, 6, 1, tzinfo=UTC)
    )
    ValueChange.objects.filter(region_id="34.04.01.2001").update(
        changed_at=datetime(2025, 1, 15, tzinfo=UTC)
    )
    _sectors, rows, due = completeness(kecamatan=Region.objects.get(code="34.04.01"), period="2024")
    assert due == date(2025, 3, 31)
    expected = DataElement.objects.filter(sector__code="kesehatan", period_type=4).count()
    by_desa = {row.desa.code: row.cells["kesehatan"] for row in rows}
    first, second, third = (
        by_desa["34.04.01.2001"],
        by_desa["34.04.01.2002"],
        by_desa["34.04.01.2003"],
    )
    assert (first.expected, first.received, first.on_time, first.late) == (expected, 2, 2, 0)
    assert (second.received, second.on_time, second.late) == (1, 0, 1)
    assert (third.received, third.expected) == (0, expected)
    assert len(rows) == Region.objects.filter(parent_id="34.04.01").count()


def test_the_page_shows_the_counts_for_the_kecamatan(staff: Cast) -> None:
    save_values(values=[ValueInput("34.04.01.2001", "BUMIL_SASARAN", "2024", 100)], how="form")
    page = staff.client(Role.KECAMATAN).get("/kelengkapan/34.04.01/2024/").content.decode()
    assert "Balecatur" in page and "1/" in page
    assert staff.client(Role.DESA).get("/kelengkapan/34.04.01/2024/").status_code == 404


def test_a_sector_limited_role_sees_only_its_sectors_on_the_completeness_page(
    staff: Cast,
) -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    from accounts import assigning

    user = User.objects.create_user("gizi-saja")
    assigning.grant(
        by=None, user=user, role=Role.KECAMATAN, region_code="34.04.01", sectors=["gizi"]
    )
    client = Client()
    client.force_login(user)
    page = client.get("/kelengkapan/34.04.01/2024/").content.decode()
    assert "Gizi dan stunting" in page and "Kesehatan" not in page
    full = staff.client(Role.KECAMATAN).get("/kelengkapan/34.04.01/2024/").content.decode()
    assert "Gizi dan stunting" in full and "Kesehatan" in full
