"""Keeping the roll-ups current: deltas in the writer's transaction, and a full rebuild.

Every write of data values calls `apply_changes` inside its own transaction. For the
desa touched, it reads their values of the affected elements once (new state from the
database, old state by reverting the changes in memory), derives every period whose
figure may move, and turns the differences into one batch of additive upserts per table:

    INSERT … ON CONFLICT (key) DO UPDATE SET total = total + excluded.total, …

Additive upserts commute, so two writers touching the same kecamatan row never lose an
update on PostgreSQL (the row lock is taken by the upsert itself, in sorted key order to
avoid deadlocks). What is *not* additive is a desa's own derived value ('last', 'average',
"has this desa reported this year"), so writers lock the desa rows first
(`select_for_update`) and two writers of one desa run one after the other. SQLite runs
every write transaction alone (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import sys
from array import array
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from analytics.derivation import (
    Catalogue,
    IndicatorInfo,
    all_periods,
    ancestors,
    contribution,
    derive_all,
    element_periods,
    indicator_periods,
)
from analytics.models import NATIONAL, ElementRollup, IndicatorRollup, RegionSize
from analytics.snapshot import catalogue_snapshot
from catalog.expressions import SUM
from catalog.models import Indicator, Period
from catalog.periods import PeriodSpec, PeriodType
from datavalues.models import DataValue
from regions.models import Level, Region, within_code

CODE_WIDTH = {0: 0, 1: 2, 2: 5, 3: 8, 4: 13}


# Relative tolerance when comparing a stored sum with a recomputed one: sums of
# fractional scores built by deltas may differ from a fresh sum in the last bits.
TOLERANCE = 1e-9
# The largest finite double: a stored measure above it (or NaN) is corrupt.
FINITE_MAX = sys.float_info.max
# PostgreSQL memory for each sort or hash of the rebuild (its server process, not Python's).
WORK_MEM = "256MB"


@dataclass(frozen=True, slots=True)
class Change:
    desa: str
    element: str
    period: PeriodSpec
    old: float | None
    new: float | None


DesaPoints = dict[str, dict[PeriodSpec, float]]  # element code → stored period → value


def fetch_points(
    catalogue: Catalogue, desa: Iterable[str], element_codes: Iterable[str], years: Iterable[int]
) -> dict[str, DesaPoints]:
    """Stored values of these desa, elements and years: desa → element → period → value.

    One statement per 500 desa, written out rather than built by the ORM: every figure of a
    desa and every saved value comes through here, and building the query cost more than
    running it."""
    ids = sorted({catalogue.elements[c].id for c in element_codes})
    desa = sorted(set(desa))
    wanted_years = sorted(set(years))
    out: dict[str, DesaPoints] = {}
    if not ids or not desa or not wanted_years:
        return out
    qn = connection.ops.quote_name
    values, periods = qn(DataValue._meta.db_table), qn(Period._meta.db_table)
    specs: dict[tuple[int, int, int], PeriodSpec] = {}
    by_id = catalogue.element_by_id
    with connection.cursor() as cursor:
        for start in range(0, len(desa), 500):
            some = desa[start : start + 500]
            cursor.execute(
                f"SELECT v.region_id, v.element_id, p.year, p.first_month, p.type, v.value "  # noqa: S608
                f"FROM {values} v JOIN {periods} p ON p.id = v.period_id "
                f"WHERE v.region_id IN ({', '.join(['%s'] * len(some))}) "
                f"AND v.element_id IN ({', '.join(['%s'] * len(ids))}) "
                f"AND p.year IN ({', '.join(['%s'] * len(wanted_years))})",
                [*some, *ids, *wanted_years],
            )
            for region, element_id, year, month, ptype, value in cursor.fetchall():
                key = (year, month, ptype)
                spec = specs.get(key)
                if spec is None:
                    spec = specs[key] = PeriodSpec(year, month, PeriodType(ptype))
                code = by_id[element_id].code
                out.setdefault(region, {}).setdefault(code, {})[spec] = value
    return out


def period_specs(years: Iterable[int] | None = None) -> dict[int, PeriodSpec]:
    """Period id → spec, for the given years (all when None); one small query."""
    rows = Period.objects.all()
    if years is not None:
        rows = rows.filter(year__in=sorted(set(years)))
    return {
        pid: PeriodSpec(year, month, PeriodType(ptype)).shared()
        for pid, year, month, ptype in rows.values_list("id", "year", "first_month", "type")
    }


Key = tuple[str, int, int, PeriodSpec]  # (region code, level, element or indicator id, period)


def apply_changes(changes: Sequence[Change], catalogue: Catalogue | None = None) -> None:
    """Move every roll-up by the effect of `changes` (already written to DataValue)."""
    changes = [c for c in changes if c.old != c.new]
    if not changes:
        return
    catalogue = catalogue or catalogue_snapshot().catalogue
    by_desa: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        by_desa[change.desa].append(change)
    changed_elements = {c.element for c in changes}
    needed = set(changed_elements)
    for code in changed_elements:
        for info in catalogue.by_element.get(code, []):
            needed |= info.elements
    current = fetch_points(catalogue, by_desa, needed, {c.period.year for c in changes})

    element_deltas: dict[Key, list[float]] = defaultdict(lambda: [0.0, 0])
    indicator_deltas: dict[Key, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for desa, desa_changes in by_desa.items():
        new = current.get(desa, {})
        old: dict[str, dict[PeriodSpec, float]] = {code: dict(v) for code, v in new.items()}
        stored: dict[str, set[PeriodSpec]] = defaultdict(set)
        for change in desa_changes:
            points = old.setdefault(change.element, {})
            if change.old is None:
                points.pop(change.period, None)
            else:
                points[change.period] = change.old
            stored[change.element].add(change.period)
        places = ancestors(desa)
        # Each element's derived values before and after, computed once per desa.
        old_derived: dict[str, dict[PeriodSpec, float]] = {}
        new_derived: dict[str, dict[PeriodSpec, float]] = {}
        for code, specs in stored.items():
            element = catalogue.elements[code]
            before_all = old_derived[code] = derive_all(element, old.get(code) or {})
            after_all = new_derived[code] = derive_all(element, new.get(code) or {})
            for period in element_periods(element, specs):
                before = before_all.get(period)
                after = after_all.get(period)
                if before == after:
                    continue
                d_total = (after or 0.0) - (before or 0.0)
                d_count = (after is not None) - (before is not None)
                for place, level in places:
                    delta = element_deltas[(place, level, element.id, period)]
                    delta[0] += d_total
                    delta[1] += d_count
        affected: dict[str, set[PeriodSpec]] = defaultdict(set)
        for code, specs in stored.items():
            for ind in catalogue.by_element.get(code, []):
                affected[ind.code] |= indicator_periods(ind, specs)
        for ind_code, periods in affected.items():
            ind = catalogue.indicators[ind_code]
            for period in periods:
                was = contribution(ind, catalogue, old, period, old_derived)
                now = contribution(ind, catalogue, new, period, new_derived)
                if was == now:
                    continue
                d_num = (now[0] if now else 0.0) - (was[0] if was else 0.0)
                d_den = (now[1] if now else 0.0) - (was[1] if was else 0.0)
                d_count = (now is not None) - (was is not None)
                for place, level in places:
                    idelta = indicator_deltas[(place, level, ind.id, period)]
                    idelta[0] += d_num
                    idelta[1] += d_den
                    idelta[2] += d_count
    specs = {key[3] for key in element_deltas} | {key[3] for key in indicator_deltas}
    period_ids = {code: p.id for code, p in Period.objects.for_specs(specs).items()}
    _upsert(
        ElementRollup._meta.db_table,
        "element_id",
        ("total", "reporting"),
        [
            (place, level, ref, period_ids[spec.code], *delta)
            for (place, level, ref, spec), delta in sorted(element_deltas.items())
            if any(delta)
        ],
    )
    _upsert(
        IndicatorRollup._meta.db_table,
        "indicator_id",
        ("numerator", "denominator", "reporting"),
        [
            (place, level, ref, period_ids[spec.code], *delta)
            for (place, level, ref, spec), delta in sorted(indicator_deltas.items())
            if any(delta)
        ],
    )


UpsertRow = tuple[str | int | float, ...]
SqlParams = list[str | int | float]


UPSERT_ROWS = 500


def _upsert(table: str, ref: str, measures: tuple[str, ...], rows: list[UpsertRow]) -> None:
    if not rows:
        return
    qn = connection.ops.quote_name
    columns = ["region_code", "level", ref, "period_id", *measures]
    placeholders = ", ".join(["%s"] * len(columns))
    updates = ", ".join(f"{qn(m)} = {qn(table)}.{qn(m)} + excluded.{qn(m)}" for m in measures)
    # Identifiers come from model metadata and are quoted; every value is a parameter.
    sql = (
        f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({placeholders}) "
        f"ON CONFLICT ({qn(ref)}, {qn('period_id')}, {qn('region_code')}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        # Many rows per statement (the keys of `rows` are distinct, as ON CONFLICT needs);
        # on PostgreSQL the columns as arrays, so the statement stays short.
        if connection.vendor == "postgresql":
            types = [
                "varchar",
                "smallint",
                "bigint",
                "bigint",
                *("integer" if m == "reporting" else "double precision" for m in measures),
            ]
            arrays = ", ".join(f"%s::{t}[]" for t in types)
            unnest = sql.replace(f"VALUES ({placeholders}) ", f"SELECT * FROM unnest({arrays}) ")  # noqa: S608
            for start in range(0, len(rows), 10_000):
                cursor.execute(
                    unnest,
                    [list(column) for column in zip(*rows[start : start + 10_000], strict=True)],
                )
        else:
            for start in range(0, len(rows), UPSERT_ROWS):
                batch = rows[start : start + UPSERT_ROWS]
                cursor.execute(
                    sql.replace(
                        f"VALUES ({placeholders}) ",
                        f"VALUES {', '.join([f'({placeholders})'] * len(batch))} ",
                    ),
                    [value for row in batch for value in row],
                )
        # A row no desa reports any more is removed rather than kept at zero.
        refs = sorted({int(row[2]) for row in rows})
        periods = sorted({int(row[3]) for row in rows})
        cursor.execute(
            f"DELETE FROM {qn(table)} WHERE {qn('reporting')} = 0 AND {qn(ref)} IN "  # noqa: S608
            f"({', '.join(['%s'] * len(refs))}) AND {qn('period_id')} IN "
            f"({', '.join(['%s'] * len(periods))})",
            [*refs, *periods],
        )


# --- Full rebuild -------------------------------------------------------------------------
#
# The rebuild recomputes every roll-up row of its scope into temporary tables, then compares
# them with the stored rows in SQL and corrects (and reports) every difference.
#
# Kecamatan level: where the rules make a desa's value a stored value — yearly data
# elements, and indicators whose elements are all yearly — the sums are computed set-based
# in the database (GROUP BY over the values). An indicator's linear expressions are compiled
# into rows of coefficients (indicator, element, a, b, c, d): a desa-year adds
# Σ (a·value + b) to the numerator and Σ (c·value + d) to the denominator over the
# indicator's elements (b and d carry count(KODE), which is 1 for a desa that has KODE), and
# only when it has all of them. No SQL text is built from the catalogue: identifiers are the
# model's, ids and coefficients are parameters. Everything else (monthly or quarterly
# elements with their 'last' / 'average' rules, indicators mixing period types) goes through
# the Python derivation the live deltas use. Levels above kecamatan are sums of the level
# below, set-based.


@dataclass
class RebuildReport:
    scope: str
    # True when no roll-up existed before: everything was built, nothing was "corrected".
    fresh: bool = False
    rows: dict[str, int] = field(default_factory=dict)
    corrected: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    @property
    def total_corrected(self) -> int:
        return sum(self.corrected.values())


Fresh = dict[tuple[str, int, int], list[float]]  # (region code, ref id, period id) → measures


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


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


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


def _copy_rows(table: str, columns: Sequence[str], rows: Iterable[UpsertRow]) -> None:
    """Plain bulk insert (COPY on PostgreSQL): a national rebuild writes millions of rows."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            copy_sql = f"COPY {_qn(table)} ({', '.join(_qn(c) for c in columns)}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = (
            f"INSERT INTO {_qn(table)} ({', '.join(_qn(c) for c in columns)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        batch: list[UpsertRow] = []
        for row in rows:
            batch.append(row)
            if len(batch) == 10000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


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
        kec = desa[:8]
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


def _scope_sql(alias: str, prefix: str | None) -> tuple[str, SqlParams]:
    """Stored roll-up rows equal to `prefix` or below it (see regions.models.within_code for
    why the two databases need different forms)."""
    if not prefix:
        return "", []
    column = f"{alias}.{_qn('region_code')}"
    if connection.vendor == "sqlite":
        return f" AND ({column} = %s OR ({column} > %s AND {column} < %s))", [
            prefix,
            prefix + ".",
            prefix + "/",
        ]
    return f" AND ({column} = %s OR {column} LIKE %s)", [prefix, prefix + ".%"]


def _refs_sql(alias: str, table: _Table, refs: Sequence[int] | None) -> tuple[str, SqlParams]:
    if refs is None:
        return "", []
    return f" AND {alias}.{_qn(table.ref)} IN ({', '.join(['%s'] * len(refs))})", [
        int(r) for r in refs
    ]


def _fill_upper(table: _Table, level: int, prefix: str | None, refs: Sequence[int] | None) -> None:
    """Rows of `level` as sums of the stored rows one level below (set-based)."""
    ref = _qn(table.ref)
    region = "%s" if level == 0 else f"substr(s.{_qn('region_code')}, 1, {CODE_WIDTH[level]})"
    params: SqlParams = [NATIONAL] if level == 0 else []
    params.append(level)
    where = f"s.{_qn('level')} = %s"
    params.append(level + 1)
    if prefix:
        # Child rows lie strictly below `prefix`; LIKE with an escaped prefix works under
        # any collation ('.' and digits are not LIKE wildcards).
        where += f" AND s.{_qn('region_code')} LIKE %s"
        params.append(prefix + ".%")
    refs_sql, refs_params = _refs_sql("s", table, refs)
    where += refs_sql
    params.extend(refs_params)
    columns = ", ".join(_qn(c) for c in ("region_code", "level", table.ref, "period_id"))
    measures = ", ".join(_qn(m) for m in table.measures)
    sums = ", ".join(f"SUM(s.{_qn(m)})" for m in table.measures)
    group = f"s.{ref}, s.{_qn('period_id')}" + ("" if level == 0 else f", {region}")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_qn(table.fresh)} ({columns}, {measures}) "  # noqa: S608
            f"SELECT {region}, %s, s.{ref}, s.{_qn('period_id')}, {sums} "
            f"FROM {_qn(table.model._meta.db_table)} s WHERE {where} GROUP BY {group} "
            f"HAVING SUM(s.{_qn('reporting')}) <> 0",
            params,
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {_qn(table.fresh)}")


def _prepare_fresh() -> None:
    """An index and statistics for the temporary tables, before they are compared."""
    with connection.cursor() as cursor:
        for table in (ELEMENTS, INDICATORS):
            cursor.execute(
                f"CREATE INDEX {_qn(table.fresh + '_key')} ON {_qn(table.fresh)} "
                f"({_qn(table.ref)}, {_qn('period_id')}, {_qn('region_code')})"
            )
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {_qn(table.fresh)}")


def _reconcile(
    table: _Table,
    level: int,
    prefix: str | None,
    report: RebuildReport,
    refs: Sequence[int] | None = None,
) -> None:
    """Make the stored rows of one level (equal to or under `prefix`, of `refs` when given)
    equal the recomputed rows of the temporary table; count and note every difference.

    Compared in SQL (one full outer join): only the differing rows come back to Python."""
    label = f"{table.label}@{level}"
    stored = _qn(table.model._meta.db_table)
    fresh = _qn(table.fresh)
    ref, period, code, lvl = (_qn(c) for c in (table.ref, "period_id", "region_code", "level"))
    scope_sql, scope_params = _scope_sql("s", prefix)
    refs_sql, refs_params = _refs_sql("s", table, refs)
    stored_where = f"s.{lvl} = %s{scope_sql}{refs_sql}"
    stored_params: SqlParams = [level, *scope_params, *refs_params]
    measures = [_qn(m) for m in table.measures]
    keys = [code, ref, period]
    n = len(measures)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {fresh} WHERE {lvl} = %s", [level])  # noqa: S608
        report.rows[label] = report.rows.get(label, 0) + int(cursor.fetchone()[0])
        cursor.execute(
            f"SELECT 1 FROM {stored} s WHERE {stored_where} LIMIT 1",  # noqa: S608
            stored_params,
        )
        if cursor.fetchone() is None:
            # Nothing stored in this scope: every recomputed row is missing. One statement.
            if len(report.examples) < 20:
                cursor.execute(
                    f"SELECT {', '.join(keys + measures)} FROM {fresh} "  # noqa: S608
                    f"WHERE {lvl} = %s LIMIT {20 - len(report.examples)}",
                    [level],
                )
                for row in cursor.fetchall():
                    report.examples.append(
                        f"{label} {tuple(row[:3])}: tidak ada → {_measures(row[3:])} / missing"
                    )
            # Indicator rows in (period, region) order: a region's rows for a period then lie
            # together on disk, so a scorecard of every indicator reads a few pages rather
            # than one per row (measured: 3,492 heap pages for 3,630 rows without). Element
            # rows are read per element, in the order they are computed.
            order = f" ORDER BY {period}, {code}, {ref}" if table is INDICATORS else ""
            cursor.execute(
                f"INSERT INTO {stored} ({code}, {lvl}, {ref}, {period}, {', '.join(measures)}) "  # noqa: S608
                f"SELECT {code}, {lvl}, {ref}, {period}, {', '.join(measures)} FROM {fresh} "
                f"WHERE {lvl} = %s{order}",
                [level],
            )
            if cursor.rowcount:
                report.corrected[label] = report.corrected.get(label, 0) + cursor.rowcount
                if connection.vendor == "postgresql":
                    # Statistics for the next level's plans: rows inserted inside this
                    # transaction are invisible to autovacuum.
                    cursor.execute(f"ANALYZE {stored}")
            return
        greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
        # A stored measure that is NULL, infinite or NaN always differs: arithmetic on it
        # gives NULL or NaN, which no comparison flags. (NaN sorts above every number on
        # PostgreSQL; SQLite stores NaN as NULL.)
        differs = " OR ".join(
            f"s.{m} IS NULL OR NOT (ABS(s.{m}) <= %s) "
            f"OR ABS(s.{m} - f.{m}) > %s * {greatest}(1.0, ABS(s.{m}), ABS(f.{m}))"
            for m in measures
        )
        differs_params: SqlParams = [FINITE_MAX, TOLERANCE] * n
        stored_columns = ", ".join(f"s.{c}" for c in keys + measures)
        fresh_columns = ", ".join(f"f.{c}" for c in keys + measures)
        same_key = f"f.{ref} = s.{ref} AND f.{period} = s.{period} AND f.{code} = s.{code}"
        if connection.vendor == "postgresql":
            # One hash join both ways.
            cursor.execute(
                f"SELECT s.{_qn('id')}, {stored_columns}, {fresh_columns} "  # noqa: S608
                f"FROM (SELECT s.{_qn('id')}, {stored_columns} "
                f"FROM {stored} s WHERE {stored_where}) s "
                f"FULL OUTER JOIN (SELECT {', '.join(keys + measures)} FROM {fresh} "
                f"WHERE {lvl} = %s) f ON {same_key} "
                f"WHERE s.{_qn('id')} IS NULL OR f.{code} IS NULL OR {differs}",
                [*stored_params, level, *differs_params],
            )
            wrong = cursor.fetchall()
        else:
            # SQLite joins by index lookups: stored rows against the temporary table's key
            # index, then recomputed rows against the roll-up's unique index (a full outer
            # join of two subqueries would have neither).
            cursor.execute(
                f"SELECT s.{_qn('id')}, {stored_columns}, {fresh_columns} "  # noqa: S608
                f"FROM {stored} s LEFT JOIN {fresh} f ON {same_key} AND f.{lvl} = %s "
                f"WHERE {stored_where} AND (f.{code} IS NULL OR {differs})",
                [level, *stored_params, *differs_params],
            )
            wrong = cursor.fetchall()
            cursor.execute(
                f"SELECT NULL, {', '.join(['NULL'] * len(keys + measures))}, "  # noqa: S608
                f"{fresh_columns} FROM {fresh} f WHERE f.{lvl} = %s AND NOT EXISTS "
                f"(SELECT 1 FROM {stored} s WHERE {same_key})",
                [level],
            )
            wrong += cursor.fetchall()
    to_delete: list[int] = []
    to_insert: list[UpsertRow] = []
    for row in wrong:
        before, after = row[1 : 4 + n], row[4 + n :]
        if row[0] is not None:
            to_delete.append(row[0])
        if after[0] is not None:
            to_insert.append((after[0], level, after[1], after[2], *after[3:]))
        if row[0] is None:
            _note(
                report, label, f"{tuple(after[:3])}: tidak ada → {_measures(after[3:])} / missing"
            )
        elif after[0] is None:
            _note(
                report,
                label,
                f"{tuple(before[:3])}: {_measures(before[3:])} tidak seharusnya ada / should not exist",
            )
        else:
            _note(
                report,
                label,
                f"{tuple(before[:3])}: {_measures(before[3:])} → {_measures(after[3:])}",
            )
    for start in range(0, len(to_delete), 5000):
        table.model.objects.filter(id__in=to_delete[start : start + 5000]).delete()
    _copy_rows(
        table.model._meta.db_table,
        ("region_code", "level", table.ref, "period_id", *table.measures),
        to_insert,
    )
    if wrong and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {stored}")


def _measures(values: Sequence[Any]) -> list[float | None]:
    return [None if v is None else float(v) for v in values[:-1]] + [
        None if v is None else int(v) for v in values[-1:]
    ]


def _note(report: RebuildReport, label: str, text: str) -> None:
    report.corrected[label] = report.corrected.get(label, 0) + 1
    if len(report.examples) < 20:
        report.examples.append(f"{label} {text}")


@contextmanager
def _bulk_load(models: Sequence[type[ElementRollup] | type[IndicatorRollup]]) -> Iterator[None]:
    """PostgreSQL, empty tables: drop their secondary indexes and their constraints but the
    primary key, and restore them at the end — one index build and one set-based foreign-key
    check each instead of per-row index updates and millions of deferred checks at commit.
    DDL is transactional (a failure restores them); the tables stay locked until commit."""
    restore: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{WORK_MEM}'")
        # Checks still pending from earlier in the transaction would forbid ALTER TABLE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
                [table],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint "
                "WHERE conrelid = %s::regclass)",
                [table, table],
            )
            indexes = cursor.fetchall()
            for name, _definition, _kind in constraints:
                cursor.execute(f"ALTER TABLE {_qn(table)} DROP CONSTRAINT {_qn(name)}")
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {_qn(name)}")
            restore.extend(definition for _name, definition in indexes)
            # Unique constraints first (they build their index), then the foreign keys.
            for name, definition, _kind in sorted(constraints, key=lambda c: c[2] != "u"):
                restore.append(f"ALTER TABLE {_qn(table)} ADD CONSTRAINT {_qn(name)} {definition}")
    yield
    with connection.cursor() as cursor:
        for statement in restore:
            cursor.execute(statement)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are deferred
        for model in models:
            cursor.execute(f"ANALYZE {_qn(model._meta.db_table)}")


# SQLite, during a rebuild: page cache (KiB) and sorter threads. SQLite groups by sorting;
# the national rebuild sorts tens of millions of rows, which spill to temporary files when
# the cache is the default 2 MB.
SQLITE_REBUILD_CACHE_KB = 128 * 1024
SQLITE_SORTER_THREADS = 2


@contextmanager
def _sqlite_sorting() -> Iterator[None]:
    """A bigger page cache and worker threads for SQLite's sorter while a rebuild runs, as
    they were afterwards. (PostgreSQL: work_mem is set inside the transaction instead.)"""
    if connection.vendor != "sqlite":
        yield
        return
    pragmas = {"cache_size": -SQLITE_REBUILD_CACHE_KB, "threads": SQLITE_SORTER_THREADS}
    before: dict[str, int] = {}
    with connection.cursor() as cursor:
        for name, value in pragmas.items():
            cursor.execute(f"PRAGMA {name}")
            before[name] = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in before.items():
                cursor.execute(f"PRAGMA {name} = {value}")


def rebuild_rollups(
    *,
    region: str | None = None,
    indicators: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
    set_based: bool = True,
) -> RebuildReport:
    """Recompute roll-ups from raw values for `region` (all when None) and its ancestors,
    correcting and reporting every difference. Runs in one transaction.

    `set_based=False` computes every kecamatan row with the Python derivation (slower; the
    reference the set-based path is tested against)."""
    refs: list[int] | None = None
    if indicators is None:
        catalogue = Catalogue.load()
        fresh = not ElementRollup.objects.exists()
    else:
        # Only these indicators (a new or edited one): their elements, their rows.
        catalogue = Catalogue.load(list(Indicator.objects.filter(code__in=list(indicators))))
        refs = [info.id for info in catalogue.indicators.values()]
        fresh = not IndicatorRollup.objects.filter(indicator_id__in=refs).exists()
    report = RebuildReport(scope=region or NATIONAL, fresh=fresh)
    prefix: str | None = None
    if region and region != NATIONAL:
        found = Region.objects.filter(code=region).values_list("level", flat=True).first()
        if found is None:
            raise Region.DoesNotExist(
                f"Wilayah {region} tidak ada. / Region {region} does not exist."
            )
        prefix = str(region)[: CODE_WIDTH[min(found, Level.KECAMATAN)]]
    tables = (INDICATORS,) if refs is not None else (ELEMENTS, INDICATORS)
    scope = _Scope(prefix)
    with _sqlite_sorting(), transaction.atomic():
        if connection.vendor == "postgresql":
            # Sums over all values and joins of millions of rows: hash them in memory rather
            # than in many small batches on disk (this transaction only).
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        _create_temporary_tables()
        if set_based:
            if progress:
                progress("kecamatan (SQL)")
            elements, chosen = _kecamatan_set_based(catalogue, scope, refs is None)
        else:
            elements, chosen = set(catalogue.elements), list(catalogue.indicators.values())
        if refs is not None:
            elements = set()
        _kecamatan_python(catalogue, scope, elements, chosen, progress, set_based)
        _prepare_fresh()
        bulk = (
            connection.vendor == "postgresql"
            and refs is None
            and prefix is None
            and not ElementRollup.objects.exists()
            and not IndicatorRollup.objects.exists()
        )
        with _bulk_load((ElementRollup, IndicatorRollup)) if bulk else nullcontext():
            for level in (Level.KECAMATAN, Level.KABUPATEN, Level.PROVINSI, 0):
                level_prefix = prefix[: CODE_WIDTH[level]] if prefix and level else None
                for table in tables:
                    if level < Level.KECAMATAN:
                        _fill_upper(table, level, level_prefix, refs)
                    _reconcile(table, level, level_prefix, report, refs)
                if progress:
                    progress(f"tingkat {level} / level {level}")
        _drop_temporary_tables()
        if refs is None:
            refresh_region_sizes()
    return report


def refresh_region_sizes() -> None:
    """Count desa/kelurahan under every region above desa (the 'expected' of coverage)."""
    counts: dict[str, int] = defaultdict(int)
    for code in (
        Region.objects.filter(level=Level.DESA)
        .values_list("code", flat=True)
        .iterator(chunk_size=20000)
    ):
        counts[code[:8]] += 1
        counts[code[:5]] += 1
        counts[code[:2]] += 1
        counts[NATIONAL] += 1
    RegionSize.objects.all().delete()
    RegionSize.objects.bulk_create(
        (RegionSize(region_code=c, desa=n) for c, n in counts.items()), batch_size=5000
    )


def rebuild_indicators(codes: Sequence[str]) -> RebuildReport | None:
    """After the catalogue changed these indicators: rebuild their roll-ups (only theirs)
    when any values exist."""
    if not codes or not DataValue.objects.exists():
        return None
    return rebuild_rollups(indicators=codes)
