"""Declared rules for time: a cumulative indicator is judged against the share of its annual
target due in the period; who reports an indicator decides its coverage."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.figures import Place, figure_for, indicators_with_targets
from analytics.status import Status
from catalog.models import Indicator, Reporters, TimeRule
from catalog.periods import parse_period
from datavalues.writing import ValueInput, save_values
from regions.models import Region
from tests.analytics_fixtures import make_regions


class Rollback(Exception):
    pass


def g09() -> Indicator:
    return indicators_with_targets(["G09"])[0]


def expected_status(value: float, target: float, band: float) -> Status:
    """The status rule of docs/ARCHITECTURE.md, written out independently."""
    shown = round(value, 1)
    if shown >= target:
        return Status.ACHIEVED
    if shown >= target - band:
        return Status.ON_TRACK
    return Status.NEEDS_ACCELERATION


def test_the_catalogue_declares_the_rules(catalogue: None) -> None:
    assert g09().time_rule == TimeRule.CUMULATIVE  # infants immunised, summed monthly
    assert indicators_with_targets(["K01"])[0].time_rule == TimeRule.LEVEL
    assert indicators_with_targets(["IDM_SKOR"])[0].reporters == Reporters.DESA
    assert indicators_with_targets(["G01"])[0].reporters == Reporters.BOTH


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    sasaran=st.integers(12, 400),
    monthly=st.lists(st.integers(0, 40), min_size=12, max_size=12),
    period=st.sampled_from(["2025Q1", "2025Q2", "2025Q4", "2025S1", "2025S2", "2025"]),
)
@pytest.mark.django_db
def test_a_cumulative_count_is_judged_against_the_share_of_the_target_due(
    catalogue: None, sasaran: int, monthly: list[int], period: str
) -> None:
    try:
        with transaction.atomic():
            desa = make_regions([[1]])[0]
            values = [ValueInput(desa, "BAYI_SASARAN", "2025", sasaran)]
            values += [
                ValueInput(desa, "BAYI_IDL", f"2025-{m:02d}", n)
                for m, n in enumerate(monthly, start=1)
            ]
            save_values(values=values, how="api")
            spec = parse_period(period)
            months = range(spec.first_month, spec.first_month + spec.type.months)
            value = sum(monthly[m - 1] for m in months) / sasaran * 100
            due = 90 * spec.type.months / 12  # G09's annual target is 90 %
            for where in (desa, desa[:8]):
                figure = figure_for(g09(), Place.of(Region.objects.get(code=where)), spec)
                assert figure.value == pytest.approx(value)
                assert figure.status == expected_status(value, due, g09().on_track_band)
            raise Rollback
    except Rollback:
        pass


def test_a_first_quarter_on_pace_is_achieved_not_behind(catalogue: None) -> None:
    desa = make_regions([[1]])[0]
    values = [ValueInput(desa, "BAYI_SASARAN", "2025", 120)]
    values += [ValueInput(desa, "BAYI_IDL", f"2025-{m:02d}", 9) for m in range(1, 13)]
    save_values(values=values, how="api")
    where = Place.of(Region.objects.get(code=desa[:8]))
    quarter = figure_for(g09(), where, parse_period("2025Q1"))
    assert quarter.value == pytest.approx(22.5)  # 27 of 120: on pace for 90 % a year
    assert quarter.status == Status.ACHIEVED
    year = figure_for(g09(), where, parse_period("2025"))
    assert year.value == pytest.approx(90.0) and year.status == Status.ACHIEVED


def test_a_prevalence_is_never_scaled(catalogue: None) -> None:
    desa = make_regions([[1]])[0]
    save_values(
        values=[
            ValueInput(desa, "BALITA_DIUKUR", "2025-02", 100),
            ValueInput(desa, "BALITA_STUNTING", "2025-02", 18),
        ],
        how="api",
    )
    figure = figure_for(
        indicators_with_targets(["G01"])[0],
        Place.of(Region.objects.get(code=desa)),
        parse_period("2025S1"),
    )
    assert figure.value == 18 and figure.status == Status.ACHIEVED  # ≤ 18.8, not ≤ 9.4


@pytest.mark.parametrize("sizes", ["stored", "counted"])
def test_coverage_of_a_desa_only_indicator_does_not_expect_kelurahan(
    catalogue: None, sizes: str
) -> None:
    from analytics.figures import INDONESIA, compute_figures
    from regions.models import Kind, RegionSize
    from regions.sizes import refresh_region_sizes

    desa = make_regions([[3, 2], [1]])
    # One kelurahan in the first kecamatan, one in the second kabupaten.
    Region.objects.filter(code__in=[desa[2], desa[5]]).update(kind=Kind.KELURAHAN)
    refresh_region_sizes()
    if sizes == "counted":  # before the first rebuild: nothing stored, counted per page
        RegionSize.objects.all().delete()
    save_values(
        values=[ValueInput(code, "IDM_SKOR", "2025", 0.7) for code in desa[:2]]
        + [ValueInput(code, "PENDUDUK_JUMLAH", "2025", 100) for code in desa]
        + [ValueInput(code, "PENDUDUK_PADAN", "2025", 90) for code in desa],
        how="api",
    )
    places = [Place.of(Region.objects.get(code=c)) for c in ("91.01.01", "91.01.02", "91.02", "91")]
    idm, padan = indicators_with_targets(["IDM_SKOR"])[0], indicators_with_targets(["A05"])[0]
    got = {
        (f.indicator.code, f.place.code): (f.reporting, f.expected)
        for f in compute_figures(
            indicators=[idm, padan], places=[*places, INDONESIA], period=parse_period("2025")
        )
    }
    assert got[("IDM_SKOR", "91.01.01")] == (2, 2)  # the kelurahan is not expected
    assert got[("A05", "91.01.01")] == (3, 3)  # everyone reports population data
    assert got[("IDM_SKOR", "91.01.02")] == (0, 2)
    assert got[("IDM_SKOR", "91.02")] == (0, 0)  # its only village is a kelurahan
    assert got[("IDM_SKOR", "91")] == (2, 4) and got[("IDM_SKOR", "ID")] == (2, 4)
    assert got[("A05", "91")] == (6, 6)


def test_stunting_pairs_the_stunted_and_the_measured_of_the_same_month(catalogue: None) -> None:
    desa = make_regions([[1]])[0]
    save_values(
        values=[
            ValueInput(desa, "BALITA_STUNTING", "2025-02", 87),
            ValueInput(desa, "BALITA_DIUKUR", "2025-02", 323),
            ValueInput(desa, "BALITA_DIUKUR", "2025-08", 100),  # no stunting count in August
        ],
        how="api",
    )
    g01 = indicators_with_targets(["G01"])[0]
    assert g01.time_rule == TimeRule.SAME_MONTH
    for where in (desa, desa[:8]):
        figure = figure_for(g01, Place.of(Region.objects.get(code=where)), parse_period("2025"))
        # February, the latest month with both: 87 / 323, not February's 87 / August's 100.
        assert (figure.numerator, figure.denominator) == (87, 323)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    reports=st.lists(
        st.tuples(
            st.integers(1, 12), st.none() | st.integers(0, 50), st.none() | st.integers(50, 200)
        ),
        min_size=0,
        max_size=6,
        unique_by=lambda r: r[0],
    ),
    period=st.sampled_from(["2025Q1", "2025Q3", "2025S1", "2025S2", "2025"]),
)
@pytest.mark.django_db
def test_a_prevalence_of_a_longer_period_is_the_latest_complete_month(
    catalogue: None, reports: list[tuple[int, int | None, int | None]], period: str
) -> None:
    try:
        with transaction.atomic():
            desa = make_regions([[1]])[0]
            values = []
            for month, stunted, measured in reports:
                if stunted is not None:
                    values.append(ValueInput(desa, "BALITA_STUNTING", f"2025-{month:02d}", stunted))
                if measured is not None:
                    values.append(ValueInput(desa, "BALITA_DIUKUR", f"2025-{month:02d}", measured))
            if values:
                save_values(values=values, how="api")
            spec = parse_period(period)
            inside = range(spec.first_month, spec.first_month + spec.type.months)
            complete = [r for r in reports if r[0] in inside and None not in r[1:]]
            g01 = indicators_with_targets(["G01"])[0]
            for where in (desa, desa[:8]):
                figure = figure_for(g01, Place.of(Region.objects.get(code=where)), spec)
                if not complete:
                    assert figure.value is None
                else:
                    _, stunted, measured = max(complete)
                    assert stunted is not None and measured is not None
                    assert (figure.numerator, figure.denominator) == (stunted, measured)
                    assert figure.value == pytest.approx(stunted / measured * 100)
            raise Rollback
    except Rollback:
        pass
