"""Recommendations per desa for the coming planning year (RKPDes/APBDes).

The desa's gaps are counted in people behind (dashboard/priorities.people_behind: gap to
target × denominator), summed per sector. (The kecamatan page ranks desa differently: by
the share behind relative to the area's other desa, so that one large target population
does not decide; here the desa is compared with its own targets only.)
Each gap sector is paired with what can be done about it, from the declared mapping
(planning/activities.yaml): kegiatan the desa can budget itself, and the kabupaten OPD to
which the supply side of the problem belongs.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from analytics.figures import Figure, Place, compute_figures, indicators_with_targets
from analytics.gaps import people_behind
from catalog.models import Sector
from catalog.periods import PeriodSpec, PeriodType
from planning.activities import Activity, Authority, by_sector
from regions.models import Region

TOP_SECTORS = 3


@dataclass
class IndicatorGap:
    figure: Figure
    people: float


@dataclass
class SectorGap:
    sector: Sector
    people: float
    gaps: list[IndicatorGap]
    village: list[Activity] = field(default_factory=list)
    kabupaten: list[Activity] = field(default_factory=list)


@dataclass
class Recommendations:
    desa: Region
    year: int
    figures: list[Figure]
    sectors: list[SectorGap]  # every sector with a gap, largest first

    @property
    def has_data(self) -> bool:
        return any(f.value is not None for f in self.figures)

    @property
    def top(self) -> list[SectorGap]:
        return self.sectors[:TOP_SECTORS]


def year_of(year: int) -> PeriodSpec:
    return PeriodSpec(year, 1, PeriodType.YEAR)


def desa_figures(desa: Region, year: int, sectors: Collection[str] | None = None) -> list[Figure]:
    indicators = [
        i for i in indicators_with_targets() if sectors is None or i.sector.code in sectors
    ]
    if not indicators:
        return []
    return compute_figures(indicators=indicators, places=[Place.of(desa)], period=year_of(year))


def sector_gaps(figures: list[Figure]) -> list[SectorGap]:
    """Sectors with people still to reach, largest first; only indicators short of target."""
    sectors: dict[str, SectorGap] = {}
    for figure in figures:
        people = people_behind(figure)
        if not people:  # None (not scored) or 0 (at target)
            continue
        sector = figure.indicator.sector
        gap = sectors.setdefault(sector.code, SectorGap(sector, 0.0, []))
        gap.people += people
        gap.gaps.append(IndicatorGap(figure, people))
    ordered = sorted(sectors.values(), key=lambda g: (-round(g.people, 6), g.sector.order))
    for gap in ordered:
        gap.gaps.sort(key=lambda g: -g.people)
    return ordered


def recommend(
    *,
    desa: Region,
    year: int,
    sectors: Collection[str] | None = None,
    figures: list[Figure] | None = None,
) -> Recommendations:
    """`figures` may be passed when already computed for many desa at once (reports)."""
    if figures is None:
        figures = desa_figures(desa, year, sectors)
    gaps = sector_gaps(figures)
    mapping = by_sector()
    for gap in gaps:
        for activity in mapping.get(gap.sector.code, []):
            target = gap.village if activity.authority == Authority.DESA else gap.kabupaten
            target.append(activity)
    return Recommendations(desa, year, figures, gaps)
