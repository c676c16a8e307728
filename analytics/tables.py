"""Many figures at once, for dashboards: places × indicators × periods in a bounded number of
queries.

`analytics.figures.compute_figures` answers one period. A dashboard also needs the region and
its parent over every year (trend, reference rows, which periods have data) for every
indicator (sector cards). For regions above desa that is one query on IndicatorRollup
whatever the number of indicators or years; desa are computed from their raw values with the
same rules as the roll-ups. The sums are figures.py's own (`_sums`) and every figure is made by
its `build_figure`, so a figure here can never differ from the API's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Q

from analytics.derivation import Catalogue
from analytics.figures import Figure, Place, _sums, _value, build_figure
from analytics.models import IndicatorRollup
from catalog.models import Indicator
from catalog.periods import PeriodSpec, PeriodType
from catalog.targets import TargetBook
from regions.models import Level

# Regions above desa never consult the catalogue: their sums are stored.
_NO_CATALOGUE = Catalogue(elements={}, indicators={})


@dataclass(frozen=True, slots=True)
class Sums:
    numerator: float
    denominator: float
    reporting: int


Key = tuple[str, str, PeriodSpec]  # (place code, indicator code, period)


@dataclass
class Table:
    """Stored sums per (place, indicator, period), turned into figures on demand."""

    sums: dict[Key, Sums]
    indicators: dict[str, Indicator]
    targets: TargetBook  # local targets of the places (catalog/targets.py decides)

    def years(self, place_code: str) -> list[int]:
        """Years in which any indicator has a value for this place, oldest first."""
        return sorted(
            {
                period.year
                for (code, _, period), sums in self.sums.items()
                if code == place_code and period.type is PeriodType.YEAR and sums.reporting
            }
        )

    def value(self, place_code: str, indicator_code: str, period: PeriodSpec) -> float | None:
        sums = self.sums.get((place_code, indicator_code, period))
        raw = (sums.numerator, sums.denominator, sums.reporting) if sums else None
        return _value(self.indicators[indicator_code], raw)[0]

    def figure(
        self, place: Place, indicator: Indicator, period: PeriodSpec, expected: int = 0
    ) -> Figure:
        """The figure of one place, with status and change, as compute_figures builds it
        (without a rank: a reference row is not ranked against the rows it explains)."""
        sums = self.sums.get((place.code, indicator.code, period))
        raw = (sums.numerator, sums.denominator, sums.reporting) if sums else None
        before = self.value(place.code, indicator.code, period.previous())
        target = self.targets.target(indicator, place.code, period.year)
        return build_figure(
            indicator, place, period, raw, target=target, previous=before, expected=expected
        )


def yearly_table(
    *,
    indicators: Sequence[Indicator],
    places: Sequence[Place],
    also: Sequence[PeriodSpec] = (),
    targets: TargetBook | None = None,
) -> Table:
    """Every yearly figure (plus the periods in `also`) of places above desa: one query
    (and one for the places' local targets unless `targets` holds them)."""
    assert all(p.level < Level.DESA for p in places), "desa have no stored sums"
    rows = IndicatorRollup.objects.filter(
        Q(period__type=PeriodType.YEAR) | Q(period__code__in=[p.code for p in also]),
        indicator__in=[i.id for i in indicators],
        region_code__in=[p.code for p in places],
    ).values_list(
        "region_code",
        "indicator__code",
        "period__year",
        "period__first_month",
        "period__type",
        "numerator",
        "denominator",
        "reporting",
    )
    sums = {
        (region, code, PeriodSpec(year, month, PeriodType(ptype))): Sums(n, d, r)
        for region, code, year, month, ptype, n, d, r in rows
    }
    return Table(
        sums=sums,
        indicators={i.code: i for i in indicators},
        targets=targets or TargetBook.for_places(p.code for p in places),
    )


def desa_table(
    *,
    indicators: Sequence[Indicator],
    places: Sequence[Place],
    periods: Sequence[PeriodSpec],
    catalogue: Catalogue | None = None,
    targets: TargetBook | None = None,
) -> Table:
    """Figures of any places (desa computed from raw values) over the given periods."""
    needs_catalogue = any(p.level == Level.DESA for p in places)
    catalogue = catalogue or (Catalogue.load() if needs_catalogue else _NO_CATALOGUE)
    raw = _sums(catalogue, indicators, places, periods)
    sums = {key: Sums(*value) for key, value in raw.items()}
    return Table(
        sums=sums,
        indicators={i.code: i for i in indicators},
        targets=targets or TargetBook.for_places(p.code for p in places),
    )


def expected_from(figures: Mapping[str, Sequence[Figure]]) -> int:
    """Desa expected under a region, from its children's figures (no query)."""
    return sum(max((f.expected for f in figs), default=0) for figs in figures.values())
