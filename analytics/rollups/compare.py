"""The rebuild's comparison: recomputed rows against stored ones, corrected in SQL.

Levels above kecamatan are sums of the level below (`_fill_upper`); `_reconcile` makes the
stored rows of one level equal the recomputed ones and notes every difference (a NULL or
non-finite stored measure is always one)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from analytics.models import NATIONAL
from analytics.rollups.deltas import SqlParams, UpsertRow
from analytics.rollups.kecamatan_sql import ELEMENTS, INDICATORS, _Table
from datavalues.bulk import _copy_rows, _qn
from regions.codes import CODE_WIDTH, subtree_sql

# Relative tolerance when comparing a stored sum with a recomputed one: sums of
# fractional scores built by deltas may differ from a fresh sum in the last bits.
TOLERANCE = 1e-9
# The largest finite double: a stored measure above it (or NaN) is corrupt.
FINITE_MAX = sys.float_info.max


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


def _scope_sql(alias: str, prefix: str | None) -> tuple[str, SqlParams]:
    """Stored roll-up rows equal to `prefix` or below it (regions.codes.subtree_sql)."""
    if not prefix:
        return "", []
    sql, params = subtree_sql(f"{alias}.{_qn('region_code')}", prefix)
    return f" AND {sql}", list(params)


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
