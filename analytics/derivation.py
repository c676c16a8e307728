"""What one desa's values mean for any period, and what a desa adds to an indicator.

Shared by the live roll-up deltas, `rebuildrollups` and the desa figures, so the three
can never disagree about the rules:

- A data element is reported at one period type (its `period_type`). For a *longer*
  period, a desa's value follows the element's aggregation rule over the stored periods
  inside it: `sum` adds them, `last` takes the latest one that has a value, `average` is
  the mean of those that have a value. For a *shorter* period (a yearly target population
  used in a monthly indicator), the value of the stored period containing it is used.
- A desa adds to an indicator for a period only when every element the indicator names has
  a value for that period; otherwise it adds nothing to either sum.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from catalog.expressions import Expression
from catalog.models import Aggregation, DataElement, Indicator, TimeRule
from catalog.periods import PeriodSpec, PeriodType
from regions.codes import CODE_WIDTH

Points = Mapping[PeriodSpec, float]


@dataclass(frozen=True, slots=True)
class ElementInfo:
    id: int
    code: str
    rule: str
    period_type: PeriodType


@dataclass(frozen=True, slots=True)
class IndicatorInfo:
    id: int
    code: str
    numerator: Expression
    denominator: Expression | None
    elements: frozenset[str]
    finest: PeriodType
    # Declared time rule "same_month": a longer period pairs numerator and denominator from
    # the latest month (of the finest type) in which the desa reported every element.
    same_month: bool = False


@dataclass
class Catalogue:
    """The parts of the catalogue the arithmetic needs, read once per operation."""

    elements: dict[str, ElementInfo]
    indicators: dict[str, IndicatorInfo]
    by_element: dict[str, list[IndicatorInfo]] = field(default_factory=dict)
    element_by_id: dict[int, ElementInfo] = field(default_factory=dict)

    @classmethod
    def load(cls, indicators: Collection[Indicator] | None = None) -> Catalogue:
        """Every data element and indicator, or only the given indicators and their
        elements (one query: what a figure request needs)."""
        rows: Collection[Indicator]
        if indicators is None:
            rows = list(
                Indicator.objects.only("id", "code", "numerator", "denominator", "time_rule")
            )
            element_rows = DataElement.objects.all()
        else:
            rows = indicators
            needed: set[str] = set()
            for ind in rows:
                with contextlib.suppress(ValueError):
                    needed |= ind.element_codes()
            element_rows = DataElement.objects.filter(code__in=sorted(needed))
        elements = {
            e.code: ElementInfo(e.id, e.code, e.aggregation, PeriodType(e.period_type))
            for e in element_rows.only("id", "code", "aggregation", "period_type")
        }
        indicators_info: dict[str, IndicatorInfo] = {}
        for ind in rows:
            try:
                codes = ind.element_codes()
            except ValueError:
                continue  # an unparsable local expression: refused by the admin form
            if not codes <= elements.keys():
                continue  # refused by the loader and the admin; never computed
            indicators_info[ind.code] = IndicatorInfo(
                id=ind.id,
                code=ind.code,
                numerator=ind.numerator_expression(),
                denominator=ind.denominator_expression(),
                elements=codes,
                finest=min(elements[c].period_type for c in codes),
                same_month=ind.time_rule == TimeRule.SAME_MONTH,
            )
        catalogue = cls(elements=elements, indicators=indicators_info)
        for info in indicators_info.values():
            for code in info.elements:
                catalogue.by_element.setdefault(code, []).append(info)
        catalogue.element_by_id = {e.id: e for e in elements.values()}
        return catalogue


def derive(element: ElementInfo, points: Points | None, period: PeriodSpec) -> float | None:
    """The desa's value of `element` for `period`, or None when it has none."""
    if not points:
        return None
    if period.type < element.period_type:
        return points.get(period.containing(element.period_type))
    if period.type == element.period_type:
        return points.get(period)
    inside = sorted(
        (p, v) for p, v in points.items() if p.type == element.period_type and period.contains(p)
    )
    if not inside:
        return None
    if element.rule == Aggregation.LAST:
        return inside[-1][1]
    total = sum(v for _, v in inside)
    if element.rule == Aggregation.AVERAGE:
        return total / len(inside)
    return total


def derive_all(element: ElementInfo, points: Points) -> dict[PeriodSpec, float]:
    """`derive(element, points, period)` for every period of `element_periods(element,
    points)` that has a value, in one pass over the points rather than one per period.

    Each stored point of the element's own type goes to the bucket of every longer period
    containing it; a bucket is then aggregated exactly as `derive` does (points in period
    order, so sums add in the same order and give the same floats)."""
    own = element.period_type
    out: dict[PeriodSpec, float] = {}
    buckets: dict[PeriodSpec, list[tuple[PeriodSpec, float]]] = {}
    for period, value in points.items():
        if period.type != own:  # a value stored at another type (the element changed type)
            derived = derive(element, points, period)
            if derived is not None:
                out[period] = derived
            for longer in period.coarser():
                buckets.setdefault(longer, [])
            continue
        out[period] = value
        for longer in period.coarser():
            buckets.setdefault(longer, []).append((period, value))
    rule = element.rule
    for period, inside in buckets.items():
        if period.type <= own:
            derived = derive(element, points, period)
            if derived is not None:
                out[period] = derived
            continue
        if not inside:
            continue
        inside.sort()
        if rule == Aggregation.LAST:
            out[period] = inside[-1][1]
            continue
        total = sum(v for _, v in inside)
        out[period] = total / len(inside) if rule == Aggregation.AVERAGE else total
    return out


def derived_value(
    element: ElementInfo,
    points: Points | None,
    derived: Mapping[PeriodSpec, float],
    period: PeriodSpec,
) -> float | None:
    """`derive(element, points, period)` read from `derive_all(element, points)`."""
    if not points:
        return None
    if period.type < element.period_type:
        return points.get(period.containing(element.period_type))
    return derived.get(period)


def contribution(
    indicator: IndicatorInfo,
    catalogue: Catalogue,
    points: Mapping[str, Points],
    period: PeriodSpec,
    derived: dict[str, dict[PeriodSpec, float]] | None = None,
) -> tuple[float, float] | None:
    """(numerator, denominator) that one desa adds for `period`, or None if incomplete.

    `derived`, when given, keeps each element's `derive_all` for this desa (filled as
    needed): many periods of one desa then derive each element once, not once per period.
    """
    if period.type < indicator.finest:
        return None
    if indicator.same_month and period.type > indicator.finest:
        return _same_month(indicator, points, period)
    sums: dict[str, float] = {}
    for code in indicator.elements:
        info = catalogue.elements[code]
        stored = points.get(code)
        if derived is None:
            value = derive(info, stored, period)
        elif stored is None:
            return None
        else:
            by_period = derived.get(code)
            if by_period is None:
                by_period = derived[code] = derive_all(info, stored)
            value = derived_value(info, stored, by_period, period)
        if value is None:
            return None
        sums[code] = value
    counts = dict.fromkeys(sums, 1)
    numerator = indicator.numerator.evaluate(sums, counts)
    denominator = indicator.denominator.evaluate(sums, counts) if indicator.denominator else 0.0
    return numerator, denominator


def _same_month(
    indicator: IndicatorInfo, points: Mapping[str, Points], period: PeriodSpec
) -> tuple[float, float] | None:
    """The pair of the latest sub-period of `period` in which every element was reported.

    The sub-periods (of the indicator's finest type) are walked from the last one back:
    a few lookups per period, not a scan of every stored point (roll-up rebuilds ask this
    for every desa and period)."""
    stored = [points.get(code) for code in indicator.elements]
    if not all(stored):
        return None
    finest = indicator.finest
    step = finest.months
    for first_month in range(period.last_month - step + 1, period.first_month - 1, -step):
        sub = PeriodSpec(period.year, first_month, finest)
        if all(sub in values for values in stored if values is not None):
            sums = {code: points[code][sub] for code in indicator.elements}
            counts = dict.fromkeys(sums, 1)
            numerator = indicator.numerator.evaluate(sums, counts)
            denominator = (
                indicator.denominator.evaluate(sums, counts) if indicator.denominator else 0.0
            )
            return numerator, denominator
    return None


def element_periods(element: ElementInfo, stored: Iterable[PeriodSpec]) -> set[PeriodSpec]:
    """Periods whose element roll-up a change to `stored` periods can move."""
    out: set[PeriodSpec] = set()
    for p in stored:
        out.add(p)
        out.update(p.coarser())
    return out


def indicator_periods(indicator: IndicatorInfo, stored: Iterable[PeriodSpec]) -> set[PeriodSpec]:
    """Periods whose indicator roll-up a change to `stored` periods of one element can move:
    the period itself, every longer one containing it, and the shorter ones inside it that
    the indicator is computed for (a yearly denominator feeds every month of its year)."""
    out: set[PeriodSpec] = set()
    for p in stored:
        out.add(p)
        out.update(p.coarser())
        for t in PeriodType:
            if indicator.finest <= t < p.type:
                out.update(p.parts(t))
    return out


@cache
def all_periods(year: int, finest: PeriodType) -> tuple[PeriodSpec, ...]:
    """Every period of `year` of type `finest` or longer (shared instances, remembered)."""
    whole = PeriodSpec(year, 1, PeriodType.YEAR)
    return tuple(p.shared() for t in PeriodType if t >= finest for p in whole.parts(t))


_PROVINCE, _KABUPATEN, _KECAMATAN = CODE_WIDTH[1], CODE_WIDTH[2], CODE_WIDTH[3]


def ancestors(desa_code: str) -> tuple[tuple[str, int], ...]:
    """(code, level) of the kecamatan, kabupaten, provinsi and Indonesia above a desa.

    Kemendagri codes are fixed width (PP.KK.CC.DDDD), so the prefixes are slices.
    """
    from analytics.models import NATIONAL

    return (
        (desa_code[:_KECAMATAN], 3),
        (desa_code[:_KABUPATEN], 2),
        (desa_code[:_PROVINCE], 1),
        (NATIONAL, 0),
    )
