"""Roll-up deltas in the writer's transaction.

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

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection

from analytics.derivation import (
    Catalogue,
    ancestors,
    contribution,
    derive_all,
    element_periods,
    indicator_periods,
)
from analytics.models import ElementRollup, IndicatorRollup
from analytics.reading import fetch_points
from analytics.snapshot import catalogue_snapshot
from catalog.models import Period
from catalog.periods import PeriodSpec, PeriodType


@dataclass(frozen=True, slots=True)
class Change:
    desa: str
    element: str
    period: PeriodSpec
    old: float | None
    new: float | None


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
