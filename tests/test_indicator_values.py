"""Indicator figures: Σ numerator / Σ denominator over desa with data, never a mean of rates."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.figures import (
    INDONESIA,
    NO_DATA,
    TOO_FINE,
    ZERO_DENOMINATOR,
    Place,
    compute_figures,
    figure_for,
    figures_for_children,
    figures_for_place,
    indicators_with_targets,
)
from analytics.status import NO_TARGET, Status
from catalog.models import Indicator
from catalog.periods import parse_period
from datavalues.writing import ValueInput, save_values
from regions.models import Region
from tests.analytics_fixtures import make_regions


def place(code: str) -> Place:
    return Place.of(Region.objects.get(code=code))


def k01() -> Indicator:
    return indicators_with_targets(["K01"])[0]


class Rollback(Exception):
    pass


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    shape=st.lists(st.lists(st.integers(1, 4), min_size=1, max_size=3), min_size=1, max_size=2),
    data=st.data(),
)
@pytest.mark.django_db
def test_every_level_equals_sum_of_numerators_over_sum_of_denominators(catalogue, shape, data):
    try:
        with transaction.atomic():
            desa = make_regions(shape)
            rows = {}
            for code in desa:
                # Some desa report nothing, some only one side, some both.
                numerator = data.draw(st.none() | st.integers(0, 300))
                denominator = data.draw(st.none() | st.integers(0, 300))
                rows[code] = (numerator, denominator)
            save_values(
                values=[
                    ValueInput(code, element, "2025", value)
                    for code, (n, d) in rows.items()
                    for element, value in (("BUMIL_ANC", n), ("BUMIL_SASARAN", d))
                    if value is not None
                ],
                how="api",
            )
            indicator = k01()
            regions = ["ID", "91", *{c[:5] for c in desa}, *{c[:8] for c in desa}, *desa]
            for code in regions:
                under = [c for c in desa if code == "ID" or c == code or c.startswith(code + ".")]
                complete = [rows[c] for c in under if None not in rows[c]]
                num = sum(n for n, _ in complete)
                den = sum(d for _, d in complete)
                where = INDONESIA if code == "ID" else place(code)
                figure = figure_for(indicator, where, parse_period("2025"))
                assert figure.reporting == len(complete)
                assert figure.expected == len(under)
                if not complete:
                    assert figure.value is None and figure.reason == NO_DATA
                    assert figure.status == Status.NO_DATA
                elif den == 0:
                    assert figure.value is None and figure.reason == ZERO_DENOMINATOR
                else:
                    assert figure.value == pytest.approx(num / den * 100)
                    assert (figure.numerator, figure.denominator) == (num, den)
            raise Rollback
    except Rollback:
        pass


@pytest.fixture
def kecamatan(catalogue):
    desa = make_regions([[3, 1]])
    save_values(
        values=[
            # Desa 1: 10/10 = 100 %; desa 2: 90/180 = 50 %; desa 3 has only the denominator.
            ValueInput(desa[0], "BUMIL_ANC", "2025", 10),
            ValueInput(desa[0], "BUMIL_SASARAN", "2025", 10),
            ValueInput(desa[1], "BUMIL_ANC", "2025", 90),
            ValueInput(desa[1], "BUMIL_SASARAN", "2025", 180),
            ValueInput(desa[2], "BUMIL_SASARAN", "2025", 500),
            ValueInput(desa[0], "BUMIL_ANC", "2024", 5),
            ValueInput(desa[0], "BUMIL_SASARAN", "2024", 10),
            ValueInput(desa[3], "BUMIL_ANC", "2025", 40),
            ValueInput(desa[3], "BUMIL_SASARAN", "2025", 50),
        ],
        how="file",
    )
    return desa


def test_a_kecamatan_rate_is_the_ratio_of_sums_not_the_mean_of_rates(kecamatan):
    figure = figure_for(k01(), place("91.01.01"), parse_period("2025"))
    assert figure.value == pytest.approx(100 / 190 * 100)  # not (100 + 50) / 2
    assert (figure.numerator, figure.denominator) == (100, 190)
    assert (figure.reporting, figure.expected) == (2, 3)


def test_a_desa_missing_the_numerator_adds_nothing_but_counts_as_expected(kecamatan):
    figure = figure_for(k01(), place(kecamatan[2]), parse_period("2025"))
    assert figure.value is None and figure.reason == NO_DATA
    assert figure.status == Status.NO_DATA and figure.rank is None
    assert (figure.reporting, figure.expected) == (0, 1)


def test_children_are_ranked_by_direction_with_the_change_since_last_year(kecamatan):
    figures = figures_for_children(k01(), place("91.01.01"), parse_period("2025"))
    by_code = {f.place.code: f for f in figures}
    first, second, third = kecamatan[:3]
    assert by_code[first].value == 100 and by_code[first].rank == 1
    assert by_code[second].value == 50 and by_code[second].rank == 2
    assert by_code[third].rank is None and by_code[first].rank_of == 2
    assert by_code[first].previous == 50 and by_code[first].change == 50
    assert by_code[second].change is None


def test_a_kecamatan_is_ranked_among_the_kecamatan_of_its_kabupaten(kecamatan):
    figure = figure_for(k01(), place("91.01.02"), parse_period("2025"))
    assert figure.value == 80 and figure.rank == 1 and figure.rank_of == 2


def test_national_children_are_the_provinces(kecamatan):
    figures = figures_for_children(k01(), INDONESIA, parse_period("2025"))
    assert [(f.place.code, f.numerator, f.denominator) for f in figures] == [("91", 140, 240)]


def test_an_indicator_without_a_target_has_no_status_and_says_why(kecamatan):
    save_values(
        values=[
            ValueInput(kecamatan[0], "KONV_LAYANAN_DITERIMA", "2025", 5),
            ValueInput(kecamatan[0], "KONV_LAYANAN_SASARAN", "2025", 10),
        ],
        how="form",
    )
    figure = figure_for(
        indicators_with_targets(["G10"])[0], place("91.01.01"), parse_period("2025")
    )
    assert figure.value == 50
    assert figure.status is None and figure.status_reason == NO_TARGET and figure.target is None


def test_a_zero_denominator_is_null_with_a_reason_never_zero(kecamatan):
    save_values(
        values=[
            ValueInput(kecamatan[0], "HT_LAYANAN", "2025", 0),
            ValueInput(kecamatan[0], "HT_ESTIMASI", "2025", 0),
        ],
        how="form",
    )
    figure = figure_for(indicators_with_targets(["K08"])[0], place("91.01"), parse_period("2025"))
    assert figure.value is None and figure.reason == ZERO_DENOMINATOR
    assert figure.reporting == 1 and figure.status == Status.NO_DATA


def test_a_yearly_indicator_is_computed_from_monthly_values(catalogue):
    desa = make_regions([[2]])
    save_values(
        values=[
            ValueInput(desa[0], "BAYI_IDL", "2025-01", 3),
            ValueInput(desa[0], "BAYI_IDL", "2025-07", 4),
            ValueInput(desa[0], "BAYI_SASARAN", "2025", 10),
            ValueInput(desa[1], "BALITA_STUNTING", "2025-02", 30),
            ValueInput(desa[1], "BALITA_DIUKUR", "2025-02", 100),
            ValueInput(desa[1], "BALITA_STUNTING", "2025-08", 20),
            ValueInput(desa[1], "BALITA_DIUKUR", "2025-08", 100),
        ],
        how="file",
    )
    g09, g01 = indicators_with_targets(["G09"])[0], indicators_with_targets(["G01"])[0]
    kec = place("91.01.01")
    assert figure_for(g09, kec, parse_period("2025")).value == 70  # (3 + 4) / 10
    # A yearly target population feeds a quarter: 4 / 10 in the third quarter.
    assert figure_for(g09, kec, parse_period("2025Q3")).value == 40
    assert figure_for(g01, kec, parse_period("2025")).value == 20  # the last measurement
    assert figure_for(g01, kec, parse_period("2025S1")).value == 30


def test_a_period_shorter_than_the_data_says_so(kecamatan):
    figure = figure_for(k01(), place("91.01.01"), parse_period("2025-03"))
    assert figure.value is None and figure.reason == TOO_FINE


def test_the_status_uses_the_target_of_the_periods_year(catalogue):
    desa = make_regions([[1]])
    save_values(
        values=[
            ValueInput(desa[0], "BALITA_STUNTING", "2024-08", 18),
            ValueInput(desa[0], "BALITA_DIUKUR", "2024-08", 100),
            ValueInput(desa[0], "BALITA_STUNTING", "2025-08", 18),
            ValueInput(desa[0], "BALITA_DIUKUR", "2025-08", 100),
        ],
        how="file",
    )
    g01 = indicators_with_targets(["G01"])[0]
    in_2024 = figure_for(g01, place(desa[0]), parse_period("2024"))
    assert in_2024.target is not None and in_2024.target.value == 14
    assert in_2024.status == Status.ON_TRACK  # 18 ≤ 14 + 5
    in_2025 = figure_for(g01, place(desa[0]), parse_period("2025"))
    assert in_2025.target is not None and in_2025.target.value == 18.8  # RPJMN 2025–2029
    assert in_2025.status == Status.ACHIEVED  # 18 ≤ 18.8


def test_all_indicators_of_a_kecamatan_take_a_bounded_number_of_queries(
    kecamatan, django_assert_max_num_queries
):
    indicators = indicators_with_targets()
    with django_assert_max_num_queries(8):
        figures = figures_for_place(indicators, place("91.01.01"), parse_period("2025"))
    assert len(figures) == len(indicators) >= 45


def test_children_of_a_kecamatan_take_a_bounded_number_of_queries(
    kecamatan, django_assert_max_num_queries
):
    indicator = k01()
    with django_assert_max_num_queries(8):
        compute_figures(
            indicators=[indicator],
            places=[place(c) for c in kecamatan[:3]],
            period=parse_period("2025"),
        )
