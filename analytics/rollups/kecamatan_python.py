"""The kecamatan level of the rebuild through the Python derivation the live deltas use:
the reference for the set-based SQL, and the path for what SQL does not cover."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable

from django.db import connection

from analytics.derivation import (
    Catalogue,
    IndicatorInfo,
    all_periods,
    contribution,
    derive_all,
)
from analytics.reading import DesaPoints
from analytics.rollups.compare import Fresh
from analytics.rollups.deltas import period_specs
from analytics.rollups.kecamatan_sql import ELEMENTS, INDICATORS, _Scope
from catalog.models import Period
from catalog.periods import PeriodSpec, PeriodType
from datavalues.bulk import _copy_rows, _qn
from datavalues.models import DataValue
from regions.codes import CODE_WIDTH, code_at
from regions.models import Level, Region, within_code


def _kecamatan_python(
    catalogue: Catalogue,
    scope: _Scope,
    elements: set[str],
    indicators: list[IndicatorInfo],
    progress: Callable[[str], None] | None,
    set_based: bool,
) -> None:
    """Kecamatan rows of `elements` and `indicators` by the Python derivation, one
    kabupaten at a time, into the temporary tables."""
    needed = set(elements).union(*(info.elements for info in indicators))
    if not needed:
        return
    ids = sorted(catalogue.elements[c].id for c in needed)
    codes = {catalogue.elements[c].id: c for c in needed}
    # When the set-based path did the rest, everything left needs a value of a monthly or
    # quarterly element: a kabupaten without one has nothing to add here.
    trigger = sorted(
        catalogue.elements[c].id
        for c in needed
        if not set_based or catalogue.elements[c].period_type is not PeriodType.YEAR
    )
    if not trigger:
        return
    where, params = scope.values_filter(_qn("region_id"))
    with connection.cursor() as cursor:
        # Only the kabupaten that have such values (the element_id index answers this).
        cursor.execute(
            f"SELECT DISTINCT substr({_qn('region_id')}, 1, {CODE_WIDTH[Level.KABUPATEN]}) "  # noqa: S608
            f"FROM {_qn(DataValue._meta.db_table)} "
            f"WHERE {_qn('element_id')} IN ({', '.join(['%s'] * len(trigger))}){where}",
            [*trigger, *params],
        )
        kabupaten = sorted(row[0] for row in cursor.fetchall())
    specs = period_specs()
    period_ids = _PeriodIds()
    for number, kab in enumerate(kabupaten, start=1):
        prefix = scope.prefix if scope.prefix and len(scope.prefix) > len(kab) else kab
        # The desa by code (an index on Region), then their values by the unique index
        # (desa first): no LIKE on the values table, whose index has no pattern ops.
        desa_codes = list(
            Region.objects.filter(within_code(prefix), level=Level.DESA).values_list(
                "code", flat=True
            )
        )
        points: dict[str, DesaPoints] = {}
        for start in range(0, len(desa_codes), 250):
            # A plain fetch, not .iterator(): a server-side cursor makes PostgreSQL plan
            # for the first rows and pick a sequential scan of the whole values table.
            for desa, element_id, period_id, value in DataValue.objects.filter(
                region_id__in=desa_codes[start : start + 250], element_id__in=ids
            ).plain_rows("region_id", "element_id", "period_id", "value"):
                by_element = points.setdefault(desa, {})
                by_element.setdefault(codes[element_id], {})[specs[period_id]] = value
        element_rows, indicator_rows = _kecamatan_rows(
            catalogue, points, period_ids, elements, indicators
        )
        for table, rows in ((ELEMENTS, element_rows), (INDICATORS, indicator_rows)):
            _copy_rows(
                table.fresh,
                ("region_code", "level", table.ref, "period_id", *table.measures),
                (
                    (code, Level.KECAMATAN, ref, period, *values[:-1], int(values[-1]))
                    for (code, ref, period), values in rows.items()
                ),
            )
        if progress and number % 25 == 0:
            progress(f"{number}/{len(kabupaten)} kabupaten/kota (Python)")


class _PeriodIds:
    def __init__(self) -> None:
        self.ids: dict[PeriodSpec, int] = {}

    def __call__(self, specs: set[PeriodSpec]) -> None:
        missing = {s for s in specs if s not in self.ids}
        if missing:
            for period in Period.objects.for_specs(missing).values():
                self.ids[period.spec] = period.id


def _kecamatan_rows(
    catalogue: Catalogue,
    points: dict[str, DesaPoints],
    period_ids: _PeriodIds,
    elements: Collection[str] | None = None,
    indicators: Iterable[IndicatorInfo] | None = None,
) -> tuple[Fresh, Fresh]:
    """Kecamatan-level rows of these elements and indicators (all when None), recomputed
    from desa values by the Python derivation."""
    element_acc: dict[tuple[str, int, PeriodSpec], list[float]] = defaultdict(lambda: [0.0, 0])
    indicator_acc: dict[tuple[str, int, PeriodSpec], list[float]] = defaultdict(
        lambda: [0.0, 0.0, 0]
    )
    if elements is None:
        elements = catalogue.elements.keys()
    chosen = list(catalogue.indicators.values() if indicators is None else indicators)
    yearly = PeriodType.YEAR
    for desa, by_element in points.items():
        kec = code_at(desa, 3)
        years: set[int] = set()
        # Every derived value of an element of this desa, computed once (derive_all).
        derived: dict[str, dict[PeriodSpec, float]] = {}
        for code, stored in by_element.items():
            info = catalogue.elements[code]
            years.update(p.year for p in stored)
            if code not in elements:
                continue
            if info.period_type is yearly:
                # Fast path: a yearly value is its own (and only) period.
                for period, value in stored.items():
                    acc = element_acc[(kec, info.id, period)]
                    acc[0] += value
                    acc[1] += 1
                continue
            derived_all = derived.get(code)
            if derived_all is None:
                derived_all = derived[code] = derive_all(info, stored)
            for period, value in derived_all.items():
                acc = element_acc[(kec, info.id, period)]
                acc[0] += value
                acc[1] += 1
        for ind in chosen:
            if not ind.elements <= by_element.keys():
                continue
            if ind.finest is yearly:
                # Fast path: every element is yearly, so a year's contribution reads the
                # stored values directly.
                for period in by_element[next(iter(ind.elements))]:
                    sums: dict[str, float] = {}
                    for code in ind.elements:
                        found = by_element[code].get(period)
                        if found is None:
                            break
                        sums[code] = found
                    else:
                        counts = dict.fromkeys(sums, 1)
                        iacc = indicator_acc[(kec, ind.id, period)]
                        iacc[0] += ind.numerator.evaluate(sums, counts)
                        if ind.denominator is not None:
                            iacc[1] += ind.denominator.evaluate(sums, counts)
                        iacc[2] += 1
                continue
            ind_years = set.intersection(*({p.year for p in by_element[c]} for c in ind.elements))
            for year in ind_years & years:
                candidates: Iterable[PeriodSpec]
                if ind.finest == PeriodType.YEAR:
                    candidates = (PeriodSpec(year, 1, PeriodType.YEAR),)
                else:
                    candidates = all_periods(year, ind.finest)
                for period in candidates:
                    pair = contribution(ind, catalogue, by_element, period, derived)
                    if pair is not None:
                        iacc = indicator_acc[(kec, ind.id, period)]
                        iacc[0] += pair[0]
                        iacc[1] += pair[1]
                        iacc[2] += 1
    period_ids({k[2] for k in element_acc} | {k[2] for k in indicator_acc})
    ids = period_ids.ids
    return (
        {(k[0], k[1], ids[k[2]]): v for k, v in element_acc.items()},
        {(k[0], k[1], ids[k[2]]): v for k, v in indicator_acc.items()},
    )
