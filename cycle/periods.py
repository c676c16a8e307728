"""Which periods the cycle works on today."""

from __future__ import annotations

from django.utils import timezone

from catalog.periods import PeriodSpec, parse_period


def working_year() -> int:
    """The year whose annual values are being filled: the earliest not yet past its due
    date (a year's values are due 90 days after it ends), so the current year from April."""
    from datavalues.completeness import due_date

    today = timezone.localdate()
    last = parse_period(str(today.year - 1))
    return last.year if due_date(last) >= today else today.year


def open_periods() -> list[PeriodSpec]:
    """Periods a desa may still owe: the last two years and the last two full months."""
    today = timezone.localdate()
    months = []
    year, month = today.year, today.month
    for _ in range(2):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append(parse_period(f"{year}-{month:02d}"))
    return [parse_period(str(today.year - 1)), parse_period(str(today.year)), *months]
