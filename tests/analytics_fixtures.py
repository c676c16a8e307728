"""Helpers shared by the analytics tests: hand-made regions and a brute-force reference."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from catalog.models import DataElement, Indicator
from catalog.periods import PeriodSpec, PeriodType, parse_period
from regions.models import Kind, Region


def make_regions(shape: list[list[int]], province: str = "91") -> list[str]:
    """Create one province; shape[k][c] = number of desa in kecamatan c of kabupaten k.

    Returns the desa codes.
    """
    Region.objects.create(code=province, level=1, kind=Kind.PROVINSI, name=f"Provinsi {province}")
    desa_codes = []
    for k, kecamatans in enumerate(shape, start=1):
        kab = f"{province}.{k:02d}"
        Region.objects.create(code=kab, level=2, kind=Kind.KABUPATEN, parent_id=province, name=kab)
        for c, n in enumerate(kecamatans, start=1):
            kec = f"{kab}.{c:02d}"
            Region.objects.create(
                code=kec, level=3, kind=Kind.KECAMATAN, parent_id=kab, name=f"Kec {kec}"
            )
            for d in range(1, n + 1):
                code = f"{kec}.{2000 + d}"
                Region.objects.create(
                    code=code, level=4, kind=Kind.DESA, parent_id=kec, name=f"Desa {code}"
                )
                desa_codes.append(code)
    return desa_codes


def brute_value(rule: str, ptype: PeriodType, points: dict[PeriodSpec, float], q: PeriodSpec):
    if q.type < ptype:
        return points.get(q.containing(ptype))
    inside = sorted((p, v) for p, v in points.items() if q.contains(p))
    if not inside:
        return None
    if rule == "last":
        return inside[-1][1]
    if rule == "average":
        return sum(v for _, v in inside) / len(inside)
    return sum(v for _, v in inside)


def periods_of(year: int, finest: PeriodType) -> list[PeriodSpec]:
    whole = parse_period(str(year))
    return [p for t in PeriodType if t >= finest for p in whole.parts(t)]


def linear(expr, values: dict[str, float]) -> float:
    return float(
        sum(coef * (values[t.element] if t.kind == "sum" else 1.0) for t, coef in expr.terms)
    )


def brute_rollups(stored: dict[tuple[str, str, str], float]):
    """Element and indicator roll-ups recomputed from scratch, keyed by region code."""
    elements = {e.code: e for e in DataElement.objects.all()}
    points: dict[str, dict[str, dict[PeriodSpec, float]]] = defaultdict(lambda: defaultdict(dict))
    for (desa, element, period), value in stored.items():
        points[desa][element][parse_period(period)] = value
    element_out: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0, 0])
    indicator_out: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    indicators = list(Indicator.objects.all())
    for desa, by_element in points.items():
        places = [desa[:8], desa[:5], desa[:2], "ID"]
        years = {p.year for pts in by_element.values() for p in pts}
        for code, pts in by_element.items():
            e = elements[code]
            for year in years:
                for q in periods_of(year, PeriodType(e.period_type)):
                    v = brute_value(e.aggregation, PeriodType(e.period_type), pts, q)
                    if v is None:
                        continue
                    for place in places:
                        acc = element_out[(place, code, q.code)]
                        acc[0] += v
                        acc[1] += 1
        for ind in indicators:
            codes = ind.element_codes()
            finest = min(PeriodType(elements[c].period_type) for c in codes)
            for year in years:
                for q in periods_of(year, finest):
                    vals = {}
                    if ind.time_rule == "same_month" and q.type > finest:
                        # Numerator and denominator from the latest month with both.
                        months = [
                            {p for p in by_element.get(c, {}) if p.type == finest and q.contains(p)}
                            for c in codes
                        ]
                        both = set.intersection(*months) if months else set()
                        if both:
                            month = max(both)
                            vals = {c: by_element[c][month] for c in codes}
                            num = linear(ind.numerator_expression(), vals)
                            den_expr = ind.denominator_expression()
                            den = linear(den_expr, vals) if den_expr else 0.0
                            for place in places:
                                acc = indicator_out[(place, ind.code, q.code)]
                                acc[0] += num
                                acc[1] += den
                                acc[2] += 1
                        continue
                    for c in codes:
                        e = elements[c]
                        v = brute_value(
                            e.aggregation, PeriodType(e.period_type), by_element.get(c, {}), q
                        )
                        if v is None:
                            break
                        vals[c] = v
                    else:
                        num = linear(ind.numerator_expression(), vals)
                        den_expr = ind.denominator_expression()
                        den = linear(den_expr, vals) if den_expr else 0.0
                        for place in places:
                            acc = indicator_out[(place, ind.code, q.code)]
                            acc[0] += num
                            acc[1] += den
                            acc[2] += 1
    return dict(element_out), dict(indicator_out)


def stored_rollups() -> tuple[dict[Any, Any], dict[Any, Any]]:
    from analytics.models import ElementRollup, IndicatorRollup

    elements = {
        (r.region_code, r.element.code, r.period.code): [r.total, r.reporting]
        for r in ElementRollup.objects.select_related("element", "period")
    }
    indicators = {
        (r.region_code, r.indicator.code, r.period.code): [r.numerator, r.denominator, r.reporting]
        for r in IndicatorRollup.objects.select_related("indicator", "period")
    }
    return elements, indicators


def assert_close_maps(actual: dict[Any, Any], expected: dict[Any, Any]) -> None:
    assert set(actual) == set(expected), sorted(set(actual) ^ set(expected))[:10]
    for key, values in expected.items():
        for a, b in zip(actual[key], values, strict=True):
            assert abs(a - b) <= 1e-6 * max(1.0, abs(b)), (key, actual[key], values)
