"""Honest periods: how many of the expected desa reported in each year.

The default period of a dashboard is the latest year whose coverage reaches the threshold
(`COVERAGE_THRESHOLD_PCT`, 80 % of the expected desa by default), not the latest year
with any value: one early upload for a new year must not switch every page to a year of
five villages. Figures of a year below the threshold carry "5 dari 86 desa melapor".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from analytics.tables import Table
from catalog.periods import PeriodType


def threshold_pct() -> int:
    return int(getattr(settings, "COVERAGE_THRESHOLD_PCT", 80))


@dataclass(frozen=True)
class Coverage:
    year: int
    reporting: int  # desa that reported any indicator of the year (the most of any one)
    expected: int

    @property
    def pct(self) -> float:
        return 100 * self.reporting / self.expected if self.expected else 100.0

    @property
    def enough(self) -> bool:
        return self.pct >= threshold_pct()

    @property
    def text(self) -> str:
        return _("%(r)d dari %(e)d desa melapor") % {"r": self.reporting, "e": self.expected}


def by_year(table: Table, place_code: str, expected: int) -> dict[int, Coverage]:
    """Coverage per year of a place from the sums already read (no query)."""
    most: dict[int, int] = {}
    for (code, _indicator, period), sums in table.sums.items():
        if code == place_code and period.type is PeriodType.YEAR and sums.reporting:
            most[period.year] = max(most.get(period.year, 0), sums.reporting)
    return {
        year: Coverage(year, min(n, expected) if expected else n, expected)
        for year, n in most.items()
    }


def default_year(coverage: Mapping[int, Coverage]) -> int | None:
    """The latest year with enough coverage; else the latest with any value."""
    enough = [year for year, c in coverage.items() if c.enough]
    if enough:
        return max(enough)
    return max(coverage) if coverage else None
