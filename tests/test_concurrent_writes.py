"""Concurrent writers on PostgreSQL never lose a roll-up update (SQLite serialises writers)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from analytics.models import ElementRollup
from analytics.rollups import rebuild_rollups
from catalog.loading import load_catalogue
from datavalues.writing import ValueInput, save_values
from tests.analytics_fixtures import make_regions

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="threads share one SQLite test database"
)


@pytest.mark.django_db(transaction=True)
def test_writers_of_the_same_kecamatan_and_desa_in_parallel_lose_nothing():
    load_catalogue()
    desa = make_regions([[6]])
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for round_ in range(5):
                save_values(
                    values=[
                        # Every writer touches every desa: same kecamatan rows, same desa locks.
                        ValueInput(code, "BALITA_STUNTING", f"2025-{number + 1:02d}", round_ + 1)
                        for code in desa
                    ]
                    + [ValueInput(desa[number], "BUMIL_ANC", "2025", 10 * round_ + number)],
                    how="api",
                )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    national = ElementRollup.objects.get(
        region_code="ID", element__code="BUMIL_ANC", period__code="2025"
    )
    assert (national.total, national.reporting) == (sum(40 + n for n in range(4)), 4)
    # 'last in period': every desa's latest month is April (writer 3) with value 5.
    year = ElementRollup.objects.get(
        region_code="91.01.01", element__code="BALITA_STUNTING", period__code="2025"
    )
    assert (year.total, year.reporting) == (5 * 6, 6)
    assert rebuild_rollups().total_corrected == 0
