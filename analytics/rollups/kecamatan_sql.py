"""The kecamatan level of the rebuild, set-based in the database (see rebuild.py)."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection

from analytics.derivation import (
    Catalogue,
    IndicatorInfo,
)
from analytics.models import ElementRollup, IndicatorRollup
from analytics.rollups.deltas import SqlParams
from catalog.expressions import SUM
from catalog.periods import PeriodType
from datavalues.bulk import _copy_rows, _qn
from datavalues.models import DataValue
from regions.codes import CODE_WIDTH
from regions.models import Level, Region, within_code


@dataclass(frozen=True)
class _Table:
    """One roll-up table and the temporary table its recomputed rows go to."""

    model: type[ElementRollup] | type[IndicatorRollup]
    ref: str
    measures: tuple[str, ...]
    label: str
    fresh: str


ELEMENTS = _Table(ElementRollup, "element_id", ("total", "reporting"), "element", "rollup_fresh_e")
INDICATORS = _Table(
    IndicatorRollup,
    "indicator_id",
    ("numerator", "denominator", "reporting"),
    "indicator",
    "rollup_fresh_i",
)
TERMS = "rollup_terms"
DESA_COUNTS = "rollup_desa_counts"
PARTS = "rollup_parts"
ELEMENT_PARTS = "rollup_element_parts"


def _create_temporary_tables() -> None:
    float_type = "double precision" if connection.vendor == "postgresql" else "real"
    with connection.cursor() as cursor:
        for table in (ELEMENTS, INDICATORS):
            measures = ", ".join(
                f"{_qn(m)} {'integer' if m == 'reporting' else float_type} NOT NULL"
                for m in table.measures
            )
            cursor.execute(f"DROP TABLE IF EXISTS {_qn(table.fresh)}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {_qn(table.fresh)} ({_qn('region_code')} "
                f"varchar(13) NOT NULL, {_qn('level')} integer NOT NULL, {_qn(table.ref)} "
                f"integer NOT NULL, {_qn('period_id')} integer NOT NULL, {measures})"
            )
        cursor.execute(f"DROP TABLE IF EXISTS {_qn(DESA_COUNTS)}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_qn(DESA_COUNTS)} ({_qn('desa')} varchar(13) NOT NULL, "
            f"{_qn('period_id')} integer NOT NULL, {_qn('n')} integer NOT NULL)"
        )
        cursor.execute(f"DROP TABLE IF EXISTS {_qn(PARTS)}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_qn(PARTS)} ({_qn('region_code')} varchar(13) NOT NULL, "
            f"{_qn('indicator_id')} integer NOT NULL, {_qn('period_id')} integer NOT NULL, "
            f"{_qn('numerator')} {float_type} NOT NULL, {_qn('denominator')} {float_type} "
            f"NOT NULL, {_qn('reporting')} integer NOT NULL)"
        )
        cursor.execute(f"DROP TABLE IF EXISTS {_qn(ELEMENT_PARTS)}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_qn(ELEMENT_PARTS)} ({_qn('region_code')} varchar(13) "
            f"NOT NULL, {_qn('element_id')} integer NOT NULL, {_qn('period_id')} integer "
            f"NOT NULL, {_qn('full')} integer NOT NULL, {_qn('total')} {float_type} NOT NULL, "
            f"{_qn('reporting')} integer NOT NULL)"
        )
        cursor.execute(f"DROP TABLE IF EXISTS {_qn(TERMS)}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_qn(TERMS)} ({_qn('indicator_id')} integer NOT NULL, "
            f"{_qn('element_id')} integer NOT NULL, {_qn('needed')} integer NOT NULL, "
            f"{_qn('a')} {float_type} NOT NULL, {_qn('b')} {float_type} NOT NULL, "
            f"{_qn('c')} {float_type} NOT NULL, {_qn('d')} {float_type} NOT NULL)"
        )


def _drop_temporary_tables() -> None:
    with connection.cursor() as cursor:
        for name in (ELEMENTS.fresh, INDICATORS.fresh, TERMS, DESA_COUNTS, PARTS, ELEMENT_PARTS):
            cursor.execute(f"DROP TABLE IF EXISTS {_qn(name)}")


def indicator_terms(info: IndicatorInfo) -> dict[str, tuple[float, float, float, float]]:
    """Element code → (a, b, c, d) of one indicator: a desa with every element adds
    Σ (a·value + b) to the numerator and Σ (c·value + d) to the denominator — the linear
    form of its expressions, where count(KODE) is 1 for a desa that has KODE."""
    coefficients = {code: [0.0, 0.0, 0.0, 0.0] for code in info.elements}
    for offset, expression in ((0, info.numerator), (2, info.denominator)):
        if expression is None:
            continue
        for term, coefficient in expression.terms:
            coefficients[term.element][offset + (0 if term.kind == SUM else 1)] += coefficient
    return {code: (c[0], c[1], c[2], c[3]) for code, c in coefficients.items()}


class _Scope:
    """Which desa values a rebuild reads: all, or those under one region code."""

    def __init__(self, prefix: str | None) -> None:
        self.prefix = prefix

    def values_filter(self, column: str) -> tuple[str, SqlParams]:
        if not self.prefix:
            return "", []
        desa = Region.objects.filter(within_code(self.prefix), level=Level.DESA).values("code")
        sql, params = desa.query.sql_with_params()
        return f" AND {column} IN ({sql})", list(params)


def _kecamatan_set_based(
    catalogue: Catalogue, scope: _Scope, with_elements: bool
) -> tuple[set[str], list[IndicatorInfo]]:
    """Kecamatan rows of yearly elements and all-yearly indicators, computed in SQL into the
    temporary tables. Returns what is left for the Python derivation.

    A desa-year adds to an indicator only when it has every element the indicator names. A
    desa-year that has every element of *all* these indicators (most do) is complete for each
    of them, so its part is read from the per-kecamatan element sums the element roll-ups need
    anyway: Σ (a·value + b) over such desa = a·Σ value + b·(number of such desa). Only the
    other desa-years are grouped per desa, indicator and year to check which indicators they
    complete. Three passes over the values: counts per desa-year, element sums, the others."""
    yearly = PeriodType.YEAR
    left_elements = {c for c, e in catalogue.elements.items() if e.period_type is not yearly}
    set_indicators = [i for i in catalogue.indicators.values() if i.finest is yearly]
    left_indicators = [i for i in catalogue.indicators.values() if i.finest is not yearly]
    terms = [
        (info.id, catalogue.elements[code].id, len(info.elements), a, b, c, d)
        for info in set_indicators
        for code, (a, b, c, d) in sorted(indicator_terms(info).items())
    ]
    used = sorted({term[1] for term in terms})
    summed = (
        sorted(e.id for e in catalogue.elements.values() if e.period_type is yearly)
        if with_elements
        else used
    )
    if not summed:
        return left_elements, left_indicators
    values, desa_n, parts, element_parts, t = (
        _qn(name) for name in (DataValue._meta.db_table, DESA_COUNTS, PARTS, ELEMENT_PARTS, TERMS)
    )
    region, element, period, value = (
        _qn(c) for c in ("region_id", "element_id", "period_id", "value")
    )
    ind, el, per, a, b, c, d = (
        _qn(col) for col in ("indicator_id", "element_id", "period_id", "a", "b", "c", "d")
    )
    desa, n, code, full, total = (_qn(c) for c in ("desa", "n", "region_code", "full", "total"))
    width = CODE_WIDTH[Level.KECAMATAN]
    kec = f"substr(v.{region}, 1, {width})"
    where, params = scope.values_filter(f"v.{region}")
    complete = len(used)
    with connection.cursor() as cursor:
        if terms:
            _copy_rows(TERMS, ("indicator_id", "element_id", "needed", "a", "b", "c", "d"), terms)
            in_used = f"v.{element} IN ({', '.join(['%s'] * len(used))})"
            cursor.execute(
                f"INSERT INTO {desa_n} ({desa}, {per}, {n}) "  # noqa: S608
                f"SELECT v.{region}, v.{period}, COUNT(*) FROM {values} v WHERE {in_used}{where} "
                f"GROUP BY v.{region}, v.{period}",
                [*used, *params],
            )
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {desa_n}")
            is_full = f"CASE WHEN dn.{n} = %s THEN 1 ELSE 0 END"
            join = f"LEFT JOIN {desa_n} dn ON dn.{desa} = v.{region} AND dn.{per} = v.{period} "
            full_params: SqlParams = [complete]
        else:
            is_full, join, full_params = "0", "", []
        # Element sums per kecamatan, split by "the desa-year is complete".
        if connection.vendor == "sqlite":
            _element_parts_streamed(summed, complete if terms else None, where, params)
        else:
            cursor.execute(
                f"INSERT INTO {element_parts} ({code}, {el}, {per}, {full}, {total}, "  # noqa: S608
                f"{_qn('reporting')}) "
                f"SELECT {kec}, v.{element}, v.{period}, {is_full}, SUM(v.{value}), COUNT(*) "
                f"FROM {values} v {join}"
                f"WHERE v.{element} IN ({', '.join(['%s'] * len(summed))}){where} "
                "GROUP BY 1, 2, 3, 4",
                [*full_params, *summed, *params],
            )
        if with_elements:
            fresh = ELEMENTS
            cursor.execute(
                f"INSERT INTO {_qn(fresh.fresh)} ({code}, {_qn('level')}, {el}, {per}, "  # noqa: S608
                f"{total}, {_qn('reporting')}) "
                f"SELECT {code}, %s, {el}, {per}, SUM({total}), SUM({_qn('reporting')}) "
                f"FROM {element_parts} GROUP BY {code}, {el}, {per}",
                [Level.KECAMATAN],
            )
        if not terms:
            return left_elements, left_indicators
        measures = (
            f"{code}, {ind}, {per}, {_qn('numerator')}, {_qn('denominator')}, {_qn('reporting')}"
        )
        # Complete desa-years: the linear forms of the element sums.
        cursor.execute(
            f"INSERT INTO {parts} ({measures}) "  # noqa: S608
            f"SELECT e.{code}, t.{ind}, e.{per}, SUM(t.{a} * e.{total} + t.{b} * k.k), "
            f"SUM(t.{c} * e.{total} + t.{d} * k.k), MAX(k.k) "
            f"FROM {element_parts} e JOIN {t} t ON t.{el} = e.{el} JOIN ("
            f"SELECT substr({desa}, 1, {width}) AS kec, {per} AS per, COUNT(*) AS k "
            f"FROM {desa_n} WHERE {n} = %s GROUP BY substr({desa}, 1, {width}), {per}) k "
            f"ON k.kec = e.{code} AND k.per = e.{per} "
            f"WHERE e.{full} = 1 GROUP BY e.{code}, t.{ind}, e.{per}",
            [complete],
        )
        # The other desa-years: per desa, indicator and year, kept when the desa has every
        # element of the indicator; then summed per kecamatan with the count of those desa.
        cursor.execute(
            f"INSERT INTO {parts} ({measures}) "  # noqa: S608
            f"SELECT substr(x.desa, 1, {width}), x.ind, x.per, "
            f"SUM(x.num), SUM(x.den), COUNT(*) FROM ("
            f"SELECT v.{region} AS desa, t.{ind} AS ind, v.{period} AS per, "
            f"SUM(v.{value} * t.{a} + t.{b}) AS num, SUM(v.{value} * t.{c} + t.{d}) AS den, "
            f"COUNT(*) AS n, MAX(t.{_qn('needed')}) AS needed "
            f"FROM {values} v JOIN {desa_n} dn ON dn.{desa} = v.{region} AND dn.{per} = v.{period} "
            f"JOIN {t} t ON t.{el} = v.{element} WHERE dn.{n} < %s{where} "
            f"GROUP BY v.{region}, t.{ind}, v.{period}) x WHERE x.n = x.needed "
            f"GROUP BY substr(x.desa, 1, {width}), x.ind, x.per",
            [complete, *params],
        )
        fresh = INDICATORS
        cursor.execute(
            f"INSERT INTO {_qn(fresh.fresh)} ({code}, {_qn('level')}, {ind}, {per}, "  # noqa: S608
            f"{_qn('numerator')}, {_qn('denominator')}, {_qn('reporting')}) "
            f"SELECT {code}, %s, {ind}, {per}, SUM({_qn('numerator')}), "
            f"SUM({_qn('denominator')}), SUM({_qn('reporting')}) FROM {parts} "
            f"GROUP BY {code}, {ind}, {per}",
            [Level.KECAMATAN],
        )
    return left_elements, left_indicators


def _element_parts_streamed(
    summed: Sequence[int], complete: int | None, where: str, params: SqlParams
) -> None:
    """SQLite: the element sums per kecamatan, split by "the desa-year is complete", summed
    in Python from one plain scan of the values.

    SQLite groups by sorting: the GROUP BY of the PostgreSQL statement sorted every value
    (37.9 M nationally) through temporary files — about two thirds of a national rebuild.
    Here the sums go to dense arrays (one slot per kecamatan, element and complete flag, one
    pair of arrays per period), so the scan needs no order and memory grows with the number
    of kecamatan, elements and periods, not with the values. `complete` is the number of
    elements a desa-year needs to be complete (None: no desa-year is)."""
    width = CODE_WIDTH[Level.KECAMATAN]
    full_years: dict[str, set[int]] = {}
    with connection.cursor() as cursor:
        if complete is not None:
            cursor.execute(
                f"SELECT {_qn('desa')}, {_qn('period_id')} FROM {_qn(DESA_COUNTS)} "  # noqa: S608
                f"WHERE {_qn('n')} = %s",
                [complete],
            )
            for desa, period_id in cursor.fetchall():
                full_years.setdefault(desa, set()).add(period_id)
        # Slot of (kecamatan, element, complete): kecamatan × size + 2 × element + complete.
        size = 2 * len(summed)
        twice = {element_id: 2 * i for i, element_id in enumerate(summed)}
        slots = size * Region.objects.filter(level=Level.KECAMATAN).count()
        kecamatan: dict[str, int] = {}
        sums: dict[int, tuple[array[float], array[int]]] = {}
        none: set[int] = set()
        cursor.execute(
            f"SELECT v.{_qn('region_id')}, v.{_qn('element_id')}, v.{_qn('period_id')}, "  # noqa: S608
            f"v.{_qn('value')} FROM {_qn(DataValue._meta.db_table)} v "
            f"WHERE v.{_qn('element_id')} IN ({', '.join(['%s'] * len(summed))}){where}",
            [*summed, *params],
        )
        last, base, full = "", 0, none
        while rows := cursor.fetchmany(20_000):
            for desa, element_id, period_id, value in rows:
                if desa != last:  # values mostly come desa by desa: look up once per run
                    last = desa
                    base = size * kecamatan.setdefault(desa[:width], len(kecamatan))
                    full = full_years.get(desa, none)
                pair = sums.get(period_id)
                if pair is None:
                    zeros = bytes(8 * slots)
                    pair = sums[period_id] = (array("d", zeros), array("q", zeros))
                slot = base + twice[element_id] + (period_id in full)
                pair[0][slot] += value
                pair[1][slot] += 1
    names = list(kecamatan)
    parts = (
        (names[slot // size], summed[(slot % size) // 2], period_id, slot % 2, total[slot], n)
        for period_id, (total, count) in sums.items()
        for slot, n in enumerate(count)
        if n
    )
    _copy_rows(
        ELEMENT_PARTS,
        ("region_code", "element_id", "period_id", "full", "total", "reporting"),
        parts,
    )
