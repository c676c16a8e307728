"""Roll-ups kept by deltas always equal a brute-force recomputation from raw values."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.derivation import ElementInfo, derive, derive_all, derived_value, element_periods
from analytics.models import ElementRollup, IndicatorRollup
from analytics.rollups import rebuild_rollups
from catalog.models import DataElement, Indicator, Period
from catalog.periods import PeriodSpec, PeriodType
from datavalues.writing import ValueInput, save_values
from tests.analytics_fixtures import (
    assert_close_maps,
    brute_rollups,
    make_regions,
    stored_rollups,
)

# Elements of every aggregation rule and period type, and the indicators that use them.
ELEMENTS = {
    "BUMIL_ANC": ("year", "count"),
    "BUMIL_SASARAN": ("year", "count"),
    "BALITA_STUNTING": ("month", "count"),
    "BALITA_DIUKUR": ("month", "count"),
    "BALITA_DITIMBANG": ("month", "count"),
    "BALITA_SASARAN": ("year", "count"),
    "BAYI_IDL": ("month", "count"),
    "BAYI_SASARAN": ("year", "count"),
    "PAUD_ADA": ("year", "yesno"),
    "IDM_SKOR": ("year", "score"),
}


class Rollback(Exception):
    pass


shapes = st.lists(st.lists(st.integers(1, 3), min_size=1, max_size=3), min_size=1, max_size=2)


@st.composite
def operations(draw, n_desa: int):
    ops = []
    for _ in range(draw(st.integers(1, 4))):
        batch = {}
        for _ in range(draw(st.integers(1, 8))):
            element = draw(st.sampled_from(sorted(ELEMENTS)))
            ptype, vtype = ELEMENTS[element]
            year = draw(st.sampled_from([2024, 2025]))
            period = f"{year}-{draw(st.integers(1, 12)):02d}" if ptype == "month" else str(year)
            desa = draw(st.integers(0, n_desa - 1))
            if draw(st.integers(0, 4)) == 0:
                value = None  # a deletion (or a no-op when nothing is stored)
            elif vtype == "yesno":
                value = float(draw(st.integers(0, 1)))
            elif vtype == "score":
                value = draw(st.integers(0, 10_000)) / 10_000
            else:
                value = float(draw(st.integers(0, 500)))
            batch[(desa, element, period)] = value
        ops.append(batch)
    return ops


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), shape=shapes)
@pytest.mark.django_db
def test_roll_ups_equal_a_brute_force_recomputation_after_any_writes(catalogue, data, shape):
    try:
        with transaction.atomic():
            desa = make_regions(shape)
            stored: dict[tuple[str, str, str], float] = {}
            for batch in data.draw(operations(len(desa))):
                save_values(
                    values=[ValueInput(desa[d], e, p, v) for (d, e, p), v in batch.items()],
                    how="api",
                )
                for (d, e, p), v in batch.items():
                    if v is None:
                        stored.pop((desa[d], e, p), None)
                    else:
                        stored[(desa[d], e, p)] = v
                elements, indicators = stored_rollups()
                expected_elements, expected_indicators = brute_rollups(stored)
                assert_close_maps(elements, expected_elements)
                assert_close_maps(indicators, expected_indicators)
            assert rebuild_rollups().total_corrected == 0
            # From empty, the set-based rebuild gives the same rows as brute force.
            ElementRollup.objects.all().delete()
            IndicatorRollup.objects.all().delete()
            assert rebuild_rollups().fresh
            elements, indicators = stored_rollups()
            assert_close_maps(elements, expected_elements)
            assert_close_maps(indicators, expected_indicators)
            raise Rollback
    except Rollback:
        pass


@pytest.fixture
def some_values(catalogue):
    desa = make_regions([[2, 1], [1]])
    save_values(
        values=[
            ValueInput(desa[0], "BUMIL_ANC", "2025", 30),
            ValueInput(desa[0], "BUMIL_SASARAN", "2025", 40),
            ValueInput(desa[2], "BUMIL_ANC", "2025", 10),
            ValueInput(desa[3], "BALITA_STUNTING", "2025-02", 3),
            ValueInput(desa[3], "BALITA_DIUKUR", "2025-02", 30),
        ],
        how="file",
    )
    return desa


def test_rebuildrollups_finds_no_difference_after_live_updates(some_values):
    out = StringIO()
    call_command("rebuildrollups", stdout=out)
    assert "Tidak ada selisih" in out.getvalue()


def test_rebuildrollups_corrects_and_reports_a_tampered_row(some_values):
    ElementRollup.objects.filter(region_code="91.01", element__code="BUMIL_ANC").update(total=999)
    IndicatorRollup.objects.filter(region_code="ID").delete()
    out = StringIO()
    call_command("rebuildrollups", stdout=out)
    assert "selisih dikoreksi" in out.getvalue()
    assert ElementRollup.objects.get(region_code="91.01", element__code="BUMIL_ANC").total == 40
    national = IndicatorRollup.objects.get(region_code="ID", indicator__code="K01")
    assert (national.numerator, national.denominator, national.reporting) == (30, 40, 1)
    second = StringIO()
    call_command("rebuildrollups", stdout=second)
    assert "Tidak ada selisih" in second.getvalue()


def test_rebuildrollups_for_one_kecamatan_fixes_it_and_its_ancestors(some_values):
    ElementRollup.objects.filter(region_code="91.01.02").delete()
    ElementRollup.objects.filter(region_code="ID", element__code="BUMIL_ANC").update(total=0)
    report = rebuild_rollups(region="91.01.02")
    assert report.total_corrected >= 2
    assert ElementRollup.objects.get(region_code="91.01.02", element__code="BUMIL_ANC").total == 10
    assert ElementRollup.objects.get(region_code="ID", element__code="BUMIL_ANC").total == 40


def test_rebuildrollups_refuses_an_unknown_region(some_values):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="tidak ada"):
        call_command("rebuildrollups", "--region", "99.99", stdout=StringIO())


def test_a_year_from_monthly_values_follows_each_elements_rule(catalogue):
    desa = make_regions([[1]])
    d = desa[0]
    save_values(
        values=[
            ValueInput(d, "BALITA_STUNTING", "2025-02", 12),  # last: August wins
            ValueInput(d, "BALITA_STUNTING", "2025-08", 9),
            ValueInput(d, "BALITA_DITIMBANG", "2025-01", 80),  # average of months reported
            ValueInput(d, "BALITA_DITIMBANG", "2025-02", 90),
            ValueInput(d, "BAYI_IDL", "2025-03", 2),  # sum
            ValueInput(d, "BAYI_IDL", "2025-11", 3),
        ],
        how="form",
    )

    def total(element: str, period: str) -> float:
        return ElementRollup.objects.get(
            region_code="ID", element__code=element, period__code=period
        ).total

    assert total("BALITA_STUNTING", "2025") == 9
    assert total("BALITA_STUNTING", "2025S1") == 12
    assert total("BALITA_DITIMBANG", "2025") == 85
    assert total("BALITA_DITIMBANG", "2025Q1") == 85
    assert total("BAYI_IDL", "2025") == 5
    assert total("BAYI_IDL", "2025Q4") == 3
    assert not ElementRollup.objects.filter(element__code="BAYI_IDL", period__code="2025Q2")


def test_an_edited_indicator_gets_its_own_roll_ups_rebuilt_and_nothing_else(some_values):
    from analytics.rollups import rebuild_indicators
    from catalog.models import Indicator

    Indicator.objects.filter(code="K01").update(denominator="2 * BUMIL_SASARAN")
    ElementRollup.objects.filter(region_code="ID", element__code="BUMIL_ANC").update(total=1)
    report = rebuild_indicators(["K01"])
    assert report is not None and set(report.corrected) <= {
        "indicator@3",
        "indicator@2",
        "indicator@1",
        "indicator@0",
    }
    national = IndicatorRollup.objects.get(region_code="ID", indicator__code="K01")
    assert (national.numerator, national.denominator) == (30, 80)
    # Element roll-ups are not this rebuild's business: the tampered row stays.
    assert ElementRollup.objects.get(region_code="ID", element__code="BUMIL_ANC").total == 1


@pytest.fixture
def mixed_values(catalogue):
    """Yearly and monthly values, an indicator missing one element, zero denominators, a
    count() term, a coefficient, fractional scores and a kelurahan."""
    from regions.models import Kind, Region

    desa = make_regions([[3, 2], [2]])
    Region.objects.filter(code=desa[4]).update(kind=Kind.KELURAHAN)
    rows = [
        (desa[0], "BUMIL_ANC", "2025", 30),
        (desa[0], "BUMIL_SASARAN", "2025", 40),
        (desa[1], "BUMIL_ANC", "2025", 12),  # no BUMIL_SASARAN: adds nothing to K01
        (desa[2], "BUMIL_ANC", "2025", 0),
        (desa[2], "BUMIL_SASARAN", "2025", 0),  # a zero denominator still reports
        (desa[3], "BUMIL_ANC", "2024", 7),
        (desa[3], "BUMIL_SASARAN", "2024", 9),
        (desa[4], "BUMIL_ANC", "2025", 5),
        (desa[4], "BUMIL_SASARAN", "2025", 6),
        (desa[0], "PAUD_ADA", "2025", 1),  # P07: PAUD_ADA / count(PAUD_ADA)
        (desa[1], "PAUD_ADA", "2025", 0),
        (desa[0], "BLT_REALISASI_RP", "2025", 3_600_000),  # S11: … / (12 * BLT_KPM)
        (desa[0], "BLT_KPM", "2025", 10),
        (desa[5], "BLT_REALISASI_RP", "2025", 0),
        (desa[5], "BLT_KPM", "2025", 0),
        (desa[0], "IDM_SKOR", "2025", 0.7123),
        (desa[2], "IDM_SKOR", "2025", 0.6011),
        (desa[1], "BALITA_STUNTING", "2025-02", 3),  # monthly, 'last' and 'average' rules
        (desa[1], "BALITA_STUNTING", "2025-08", 2),
        (desa[1], "BALITA_DIUKUR", "2025-08", 30),
        (desa[1], "BALITA_DITIMBANG", "2025-01", 80),
        (desa[1], "BALITA_DITIMBANG", "2025-03", 90),
        (desa[1], "BALITA_SASARAN", "2025", 100),  # G02 mixes monthly and yearly
        (desa[4], "BALITA_DITIMBANG", "2025-05", 20),  # no BALITA_SASARAN
        (desa[6], "BAYI_IDL", "2025-04", 2),
        (desa[6], "BAYI_SASARAN", "2025", 0),
    ]
    # Two desa-years with every element of every all-yearly indicator: the set-based path
    # reads those from per-kecamatan element sums.
    complete = {
        code
        for indicator in Indicator.objects.all()
        for code in indicator.element_codes()
        if DataElement.objects.get(code=code).period_type == PeriodType.YEAR
    }
    taken = {(d, e, p) for d, e, p, _ in rows}
    for number, code in enumerate(sorted(complete)):
        for d, p in ((desa[0], "2025"), (desa[3], "2024")):
            if (d, code, p) not in taken:
                rows.append((d, code, p, float(number % 2)))  # valid for every type
    save_values(values=[ValueInput(d, e, p, v) for d, e, p, v in rows], how="file")
    return {(d, e, p): float(v) for d, e, p, v in rows}


def _empty_rollups() -> None:
    ElementRollup.objects.all().delete()
    IndicatorRollup.objects.all().delete()


def test_the_set_based_rebuild_gives_the_rows_of_the_python_derivation(mixed_values):
    _empty_rollups()
    python = rebuild_rollups(set_based=False)
    by_python = stored_rollups()
    _empty_rollups()
    sql = rebuild_rollups()
    by_sql = stored_rollups()
    assert python.fresh and sql.fresh
    assert python.rows == sql.rows
    for computed, reference in zip(by_sql, by_python, strict=True):
        assert_close_maps(computed, reference)
    expected_elements, expected_indicators = brute_rollups(mixed_values)
    assert_close_maps(by_sql[0], expected_elements)
    assert_close_maps(by_sql[1], expected_indicators)
    # Spot checks of the rules the SQL path must follow.
    k01 = by_sql[1][("91.01.01", "K01", "2025")]
    assert k01 == [30 + 0, 40 + 0, 2]  # desa[1] lacks the denominator
    assert by_sql[1][("91", "S11", "2025")] == [3_600_000, 120, 2]
    assert by_sql[1][("91.01", "P07", "2025")] == [1, 2, 2]
    assert by_sql[0][("ID", "BALITA_STUNTING", "2025")] == [2, 1]


def test_a_rebuild_after_the_live_updates_finds_no_difference_on_mixed_data(mixed_values):
    report = rebuild_rollups()
    assert not report.fresh
    assert report.total_corrected == 0, report.examples


def test_a_corrupted_row_of_every_level_is_reported_and_corrected(mixed_values):
    ElementRollup.objects.filter(region_code="91.01.01", element__code="BUMIL_ANC").update(total=1)
    IndicatorRollup.objects.filter(
        region_code="91.01.01", indicator__code="K01", period__code="2025"
    ).update(denominator=41)
    IndicatorRollup.objects.filter(
        region_code="91", indicator__code="S11", period__code="2025"
    ).delete()
    # No desa of 91.02.01 reported BUMIL_ANC.
    ElementRollup.objects.create(
        region_code="91.02.01",
        level=3,
        element=DataElement.objects.get(code="BUMIL_ANC"),
        period=Period.objects.get(code="2025"),
        total=5,
        reporting=1,
    )
    out = StringIO()
    call_command("rebuildrollups", stdout=out)
    text = out.getvalue()
    assert "4 selisih dikoreksi" in text, text
    assert "element@3=2" in text and "indicator@3=1" in text and "indicator@1=1" in text
    assert "tidak seharusnya ada / should not exist" in text
    assert "tidak ada → [3600000.0, 120.0, 2] / missing" in text
    assert "[30.0, 41.0, 2] → [30.0, 40.0, 2]" in text
    elements, indicators = stored_rollups()
    expected_elements, expected_indicators = brute_rollups(mixed_values)
    assert_close_maps(elements, expected_elements)
    assert_close_maps(indicators, expected_indicators)
    second = StringIO()
    call_command("rebuildrollups", stdout=second)
    assert "Tidak ada selisih" in second.getvalue()


def test_a_rebuild_of_one_kabupaten_leaves_the_other_kabupaten_alone(mixed_values):
    ElementRollup.objects.filter(region_code="91.02.01").update(total=999)
    ElementRollup.objects.filter(region_code="91.01.02").update(total=999)
    report = rebuild_rollups(region="91.01")
    assert (
        report.corrected.get("element@3")
        == ElementRollup.objects.filter(region_code="91.01.02").count()
    )
    assert set(
        ElementRollup.objects.filter(region_code="91.02.01").values_list("total", flat=True)
    ) == {999}


def test_a_rebuild_leaves_the_connections_sqlite_settings_as_it_found_them(some_values):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite page cache and sorter threads only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        rebuild_rollups()
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == before
        cursor.execute("PRAGMA threads")
        assert cursor.fetchone()[0] == 0


@st.composite
def stored_points(draw):
    """Points of one element: mostly of its own type, sometimes of another (a changed type)."""
    own = draw(st.sampled_from(list(PeriodType)))
    points = {}
    for _ in range(draw(st.integers(0, 14))):
        ptype = own if draw(st.integers(0, 5)) else draw(st.sampled_from(list(PeriodType)))
        year = draw(st.sampled_from([2024, 2025]))
        part = draw(st.integers(0, 12 // ptype.months - 1))
        points[PeriodSpec(year, part * ptype.months + 1, ptype)] = float(draw(st.integers(0, 9)))
    return own, points


@settings(max_examples=300, deadline=None)
@given(case=stored_points(), rule=st.sampled_from(["sum", "last", "average"]))
def test_every_derived_value_at_once_equals_deriving_each_period(case, rule):
    own, points = case
    info = ElementInfo(1, "X", rule, own)
    expected = {
        period: value
        for period in element_periods(info, points)
        if (value := derive(info, points, period)) is not None
    }
    assert derive_all(info, points) == expected
    for period in {q for p in points for q in (p, *p.coarser(), *p.parts(PeriodType.MONTH))}:
        assert derived_value(info, points, derive_all(info, points), period) == derive(
            info, points, period
        )
