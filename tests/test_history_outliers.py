"""Outlier warnings against the desa's own earlier values (validation rules: median/MAD,
the same month of earlier years for monthly data)."""

from __future__ import annotations

import pytest

from datavalues.validation import Candidate, check_batch
from datavalues.writing import ValueInput, save_values

pytestmark = pytest.mark.django_db

DESA = "34.01.02.2001"


@pytest.fixture
def setup(diy_regions: None, catalogue: None) -> None:
    """DIY regions and the catalogue."""


def history_of(element: str, points: dict[str, float]) -> None:
    save_values(
        values=[ValueInput(DESA, element, period, value) for period, value in points.items()],
        how="form",
    )


def history_warnings(element: str, period: str, value: float) -> list[str]:
    findings = check_batch([Candidate("x", DESA, element, period, value)])
    return [f.message for f in findings if "riwayat desa" in f.message]


def test_a_yearly_value_far_from_the_desas_own_history_is_a_warning(setup: None) -> None:
    history_of("BUMIL_SASARAN", {"2019": 100, "2020": 102, "2021": 98, "2022": 101, "2023": 99})
    [message] = history_warnings("BUMIL_SASARAN", "2024", 500)
    assert "nilai 500 jauh dari riwayat desa ini (median 100)" in message
    assert "jauh dari riwayat desa ini" in message
    assert history_warnings("BUMIL_SASARAN", "2024", 104) == []


def test_only_earlier_periods_count_and_a_short_history_says_nothing(setup: None) -> None:
    history_of("BUMIL_SASARAN", {"2019": 100, "2020": 102, "2021": 98, "2022": 101, "2023": 99})
    # Before 2021 the desa has two values: fewer than the four the rule needs.
    assert history_warnings("BUMIL_SASARAN", "2021", 500) == []
    assert history_warnings("BUMIL_SASARAN", "2018", 500) == []


def test_a_monthly_value_is_compared_with_the_same_month_of_earlier_years(setup: None) -> None:
    # January is always low (10), the other months high (100).
    points = {
        f"{year}-{month:02d}": 10.0 if month == 1 else 100.0
        for year in range(2019, 2024)
        for month in range(1, 13)
    }
    history_of("BALITA_DITIMBANG", points)
    assert history_warnings("BALITA_DITIMBANG", "2024-01", 11) == []
    [message] = history_warnings("BALITA_DITIMBANG", "2024-01", 100)
    assert "(median 10)" in message
    [message] = history_warnings("BALITA_DITIMBANG", "2024-02", 10)
    assert "(median 100)" in message


# Four of Sleman's seventeen kecamatan: the check needs each desa's history, not the
# whole kabupaten (which takes four times as long to write).
SEEDED_KECAMATAN = ("34.04.01", "34.04.02", "34.04.03", "34.04.04")


@pytest.fixture
def seeded(diy_regions: None, catalogue: None) -> None:
    """The demo data of four kecamatan of Kabupaten Sleman, 2021–2025 (five years of history
    per desa): the values `seeddemo --years 2021-2025` writes for their desa, from the same
    generator, saved year by year as it does."""
    from datavalues.models import SAMPLE_SOURCE, How
    from datavalues.sample import Desa, sample_values
    from regions.models import Kind, Level, Region

    desa = [
        Desa(r.code, r.kind == Kind.KELURAHAN)
        for r in Region.objects.filter(level=Level.DESA, parent_id__in=SEEDED_KECAMATAN)
    ]
    by_year: dict[str, list[ValueInput]] = {}
    for region, element, period, value in sample_values(desa, range(2021, 2026)):
        by_year.setdefault(period[:4], []).append(
            ValueInput(region, element, period, value, SAMPLE_SOURCE)
        )
    for year in sorted(by_year):
        save_values(values=by_year[year], how=How.SAMPLE, source=SAMPLE_SOURCE)


def test_on_demo_data_values_one_percent_above_last_year_draw_no_warning(seeded: None) -> None:
    import random

    from catalog.models import DataElement
    from catalog.periods import PeriodType
    from datavalues.models import DataValue

    yearly = set(
        DataElement.objects.filter(period_type=PeriodType.YEAR, value_type="count").values_list(
            "code", flat=True
        )
    )
    last_year = list(
        DataValue.objects.filter(period__code="2025", element__code__in=yearly, value__gte=20)
        .order_by("region_id", "element__code")
        .values_list("region_id", "element__code", "value")
    )
    sample = random.Random(15).sample(last_year, 120)
    batch = [
        Candidate(i, region, element, "2026", round(value * 1.01))
        for i, (region, element, value) in enumerate(sample)
    ]
    findings = check_batch(batch)
    assert [f.message for f in findings if "riwayat desa" in f.message] == []
    # A tenfold typo in the same file is still caught.
    region, element, value = sample[0]
    typo = check_batch([Candidate("typo", region, element, "2026", value * 10)])
    assert any("riwayat desa" in f.message for f in typo)
