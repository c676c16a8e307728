from __future__ import annotations

import pytest
from django.utils import translation

from catalog.periods import BadPeriod, PeriodType, parse_period
from config.language import both_languages


@pytest.mark.parametrize(
    ("code", "ptype", "first", "last"),
    [
        ("2025", PeriodType.YEAR, 1, 12),
        ("2025S1", PeriodType.SEMESTER, 1, 6),
        ("2025S2", PeriodType.SEMESTER, 7, 12),
        ("2025Q3", PeriodType.QUARTER, 7, 9),
        ("2025-07", PeriodType.MONTH, 7, 7),
        ("2025-12", PeriodType.MONTH, 12, 12),
    ],
)
def test_it_parses_every_period_code_and_prints_it_back(code, ptype, first, last):
    spec = parse_period(code)
    assert (spec.type, spec.first_month, spec.last_month) == (ptype, first, last)
    assert spec.code == code


@pytest.mark.parametrize(
    "code", ["", "25", "2025Q5", "2025S3", "2025-13", "2025-7", "2025q1", "abc", "1800"]
)
def test_it_rejects_codes_that_do_not_parse_in_the_readers_language(code):
    with pytest.raises(BadPeriod) as info:
        parse_period(code)
    with translation.override("id"):
        indonesian = str(info.value)
    with translation.override("en"):
        english = str(info.value)
    assert "Tahun" in indonesian or "Kode periode" in indonesian
    assert "Year" in english or "Period code" in english
    assert " / " not in indonesian and " / " not in english
    # The command line says both, from the one message.
    assert both_languages(info.value) == f"{indonesian} / {english}"


def test_a_month_lies_in_one_quarter_one_semester_and_one_year():
    month = parse_period("2025-08")
    assert [p.code for p in month.coarser()] == ["2025Q3", "2025S2", "2025"]
    assert parse_period("2025S2").contains(month)
    assert not parse_period("2025Q2").contains(month)


def test_a_year_splits_into_its_quarters_and_months():
    year = parse_period("2024")
    assert [p.code for p in year.parts(PeriodType.QUARTER)] == [
        "2024Q1",
        "2024Q2",
        "2024Q3",
        "2024Q4",
    ]
    assert len(year.parts(PeriodType.MONTH)) == 12


@pytest.mark.parametrize(
    ("code", "previous"),
    [
        ("2025", "2024"),
        ("2025Q1", "2024Q4"),
        ("2025S2", "2025S1"),
        ("2025-01", "2024-12"),
        ("2025-08", "2025-07"),
    ],
)
def test_the_previous_period_has_the_same_type(code, previous):
    assert parse_period(code).previous().code == previous
