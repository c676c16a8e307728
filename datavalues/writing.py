"""The one way data values are written: `save_values`.

Forms, file imports, the API, the admin and the sample-data commands all call it, so every
write is validated, atomic, recorded in the history and reflected in the roll-ups in the
same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from analytics.derivation import Catalogue
from analytics.rollups import Change, apply_changes
from catalog.models import DataElement, Period
from catalog.periods import BadPeriod, PeriodSpec, PeriodType, parse_period
from datavalues.models import DataValue, How, ValueChange
from regions.models import Level, Region


@dataclass(frozen=True, slots=True)
class ValueInput:
    """One value to save; `value=None` deletes the stored value."""

    region: str
    element: str
    period: str
    value: float | None
    source: str = ""
    row: int = 0  # the row of the file it came from, for messages (0: none)


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # 1-based position in the input
    field: str
    message: str


class ValuesRejected(ValueError):
    """Nothing was written; `errors` says why, row by row."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(
            "; ".join(f"baris/row {e.row} {e.field}: {e.message}" for e in errors[:20])
        )


@dataclass
class SaveResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    changes: list[Change] = field(default_factory=list)


def _validate(
    rows: list[ValueInput],
) -> tuple[list[RowError], dict[str, DataElement], dict[str, PeriodSpec]]:
    errors: list[RowError] = []
    elements = {e.code: e for e in DataElement.objects.filter(code__in={r.element for r in rows})}
    desa = set(
        Region.objects.filter(code__in={r.region for r in rows}, level=Level.DESA).values_list(
            "code", flat=True
        )
    )
    specs: dict[str, PeriodSpec] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for number, row in enumerate(rows, start=1):
        element = elements.get(row.element)
        if element is None:
            errors.append(
                RowError(number, "element", f"elemen data {row.element!r} tidak dikenal / unknown")
            )
        if row.region not in desa:
            errors.append(
                RowError(
                    number,
                    "region",
                    f"{row.region!r} bukan kode desa/kelurahan yang dikenal / "
                    "not a known desa/kelurahan code",
                )
            )
        try:
            spec = specs.get(row.period) or parse_period(row.period)
            specs[row.period] = spec
        except BadPeriod as exc:
            errors.append(RowError(number, "period", str(exc)))
            spec = None
        if element is not None and spec is not None:
            expected = PeriodType(element.period_type)
            if spec.type != expected:
                errors.append(
                    RowError(
                        number,
                        "period",
                        f"{row.element} dilaporkan per {expected.slug}, bukan {spec.code} / "
                        f"{row.element} is reported per {expected.slug}, not {spec.code}",
                    )
                )
        if row.value is not None:
            if not isinstance(row.value, int | float) or isinstance(row.value, bool):
                errors.append(RowError(number, "value", "bukan bilangan / not a number"))
            elif element is not None and (problem := element.check_value(float(row.value))):
                errors.append(RowError(number, "value", problem))
        key = (row.region, row.element, specs[row.period].code if row.period in specs else "")
        if key in seen:
            errors.append(
                RowError(
                    number,
                    "region",
                    f"nilai ganda dengan baris {seen[key]} / duplicate of row {seen[key]}",
                )
            )
        else:
            seen[key] = number
    return errors, elements, specs


def _locked(rows: list[ValueInput], specs: dict[str, PeriodSpec]) -> list[RowError]:
    """Values inside a period the kecamatan approved are refused until it is reopened."""
    from datavalues.approval import LOCKED_MESSAGE, is_locked, locked_keys

    locks = locked_keys(r.region for r in rows)
    if not locks:
        return []
    return [
        RowError(number, "period", LOCKED_MESSAGE)
        for number, row in enumerate(rows, start=1)
        if row.period in specs and is_locked(locks, row.region, specs[row.period].code)
    ]


def save_values(
    *,
    values: Iterable[ValueInput],
    by: Any = None,
    how: How | str,
    source: str = "",
    upload: Any = None,
) -> SaveResult:
    """Validate every value, then write all of them or none, with history and roll-ups.

    Values equal to the stored ones are skipped (no history row), so saving the same input
    twice changes nothing. Raises ValuesRejected listing every invalid row.
    """
    rows = list(values)
    how = How(how)
    errors, elements, specs = _validate(rows)
    errors += _locked(rows, specs)
    if errors:
        raise ValuesRejected(errors)
    result = SaveResult()
    if not rows:
        return result
    user = by if getattr(by, "pk", None) is not None else None
    with transaction.atomic():
        desa_codes = sorted({r.region for r in rows})
        # Writers of the same desa queue here (PostgreSQL; a no-op on SQLite, where
        # BEGIN IMMEDIATE already serialises writers), so derived per-desa values such as
        # 'last in period' are computed from a state no one else is changing.
        list(Region.objects.select_for_update().filter(code__in=desa_codes).values_list("code"))
        periods = Period.objects.for_specs(set(specs.values()))
        existing: dict[tuple[str, int, int], DataValue] = {}
        element_ids = {e.id for e in elements.values()}
        period_ids = {p.id for p in periods.values()}
        for start in range(0, len(desa_codes), 500):
            for dv in DataValue.objects.filter(
                Q(region_id__in=desa_codes[start : start + 500]),
                element_id__in=element_ids,
                period_id__in=period_ids,
            ):
                existing[(dv.region_id, dv.element_id, dv.period_id)] = dv
        to_create: list[DataValue] = []
        to_update: list[DataValue] = []
        to_delete: list[int] = []
        history: list[ValueChange] = []
        for row in rows:
            element = elements[row.element]
            spec = specs[row.period]
            period = periods[spec.code]
            row_source = row.source or source
            current = existing.get((row.region, element.id, period.id))
            old = current.value if current is not None else None
            new = float(row.value) if row.value is not None else None
            if old == new:
                result.unchanged += 1
                continue
            if current is None:
                assert new is not None
                to_create.append(
                    DataValue(
                        region_id=row.region,
                        element=element,
                        period=period,
                        value=new,
                        source=row_source,
                        updated_by=user,
                    )
                )
                result.created += 1
            elif new is None:
                to_delete.append(current.id)
                result.deleted += 1
            else:
                current.value, current.source, current.updated_by = new, row_source, user
                current.updated_at = timezone.now()
                to_update.append(current)
                result.updated += 1
            history.append(
                ValueChange(
                    region_id=row.region,
                    element=element,
                    period=period,
                    old_value=old,
                    new_value=new,
                    source=row_source,
                    how=how,
                    changed_by=user,
                    upload=upload,
                )
            )
            result.changes.append(Change(row.region, element.code, spec, old, new))
        DataValue.objects.bulk_create(to_create, batch_size=2000)
        DataValue.objects.bulk_update(
            to_update, ["value", "source", "updated_by", "updated_at"], batch_size=2000
        )
        for start in range(0, len(to_delete), 2000):
            DataValue.objects.filter(id__in=to_delete[start : start + 2000]).delete()
        ValueChange.objects.bulk_create(history, batch_size=2000)
        apply_changes(result.changes, Catalogue.load())
    return result


# --- Bulk path for files ---------------------------------------------------------------


def save_value_chunks(
    *,
    chunks: Iterable[list[ValueInput]],
    by: Any = None,
    how: How | str = How.FILE,
    upload: Any = None,
) -> SaveResult:
    """`save_values` for big files: the same checks and guarantees, chunk by chunk.

    Every chunk is validated (known desa, element and period, value range, locked
    periods), its desa are locked, and its values, one history row per change and the
    roll-up deltas are written with plain multi-row statements (COPY on PostgreSQL), all
    in one transaction: a refusal in the last chunk leaves nothing of the first. Values
    equal to the stored ones are skipped (no history row). The result carries no
    `changes` (a million of them would not fit the memory bound).
    """
    how = How(how)
    user_id = getattr(by, "pk", None)
    upload_id = getattr(upload, "pk", None)
    result = SaveResult()
    catalogue = Catalogue.load()
    offset = 0
    changes: list[Change] | None = []
    kecamatan: set[str] = set()
    with transaction.atomic(), _page_cache():
        for rows in chunks:
            if not rows:
                continue
            errors, elements, specs = _validate(rows)
            errors += _locked(rows, specs)
            if errors:
                raise ValuesRejected(
                    [
                        RowError(rows[e.row - 1].row or e.row + offset, e.field, e.message)
                        for e in errors
                    ]
                )
            offset += len(rows)
            chunk_changes = _write_chunk(rows, elements, specs, user_id, how, upload_id, result)
            kecamatan.update(c.desa[:8] for c in chunk_changes)
            if changes is not None:
                changes += chunk_changes
                if len(changes) > DELTAS_AT_MOST:
                    changes = None  # too many to keep: recompute at the end
        # The roll-ups, once every value is written (apply_changes reverts all of them in
        # memory for the old state, so one call covers every chunk). Deltas cost about
        # three times as much per change as a recomputation per stored value (measured:
        # 100,000 new values, deltas 5 s, the province recomputed 1.8 s), so the areas are
        # recomputed when the changes are a third of their values or more.
        areas = _areas(kecamatan)
        if changes is not None and len(changes) * 3 < _stored_in(areas):
            apply_changes(changes, catalogue)
        else:
            _rebuild(areas)
    return result


# At most this many changes are kept in memory for deltas; beyond, the areas are recomputed.
DELTAS_AT_MOST = 200_000


def _areas(kecamatan: set[str]) -> list[str]:
    """The smallest area holding the changed kecamatan, one per province."""
    by_province: dict[str, set[str]] = {}
    for code in kecamatan:
        by_province.setdefault(code[:2], set()).add(code)
    areas: list[str] = []
    for province, codes in sorted(by_province.items()):
        if len(codes) == 1:
            areas.append(next(iter(codes)))
        elif len({c[:5] for c in codes}) == 1:
            areas.append(next(iter(codes))[:5])
        else:
            areas.append(province)
    return areas


def _stored_in(areas: list[str]) -> int:
    """How many values the desa of `areas` hold (through the desa: the values' index)."""
    return sum(
        DataValue.objects.filter(
            region__in=Region.objects.filter(level=Level.DESA, code__startswith=area + ".")
        ).count()
        for area in areas
    )


def _rebuild(areas: list[str]) -> None:
    """Recompute the roll-ups of `areas`, after queueing every writer of their desa behind
    this transaction."""
    from analytics.rollups import rebuild_rollups

    for area in areas:
        # Deltas of other writers in the area would race with the recomputation.
        list(
            Region.objects.select_for_update()
            .filter(level=Level.DESA, code__startswith=area + ".")
            .order_by("code")
            .values_list("code")
        )
        rebuild_rollups(region=area)


@contextmanager
def _page_cache() -> Iterator[None]:
    """A bigger SQLite page cache while a file is written: the default 2 MB makes every
    index insert of a million-row import a read from disk. (PostgreSQL: nothing to do.)"""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


SQLITE_CACHE_KB = 64 * 1024


def _write_chunk(
    rows: list[ValueInput],
    elements: dict[str, DataElement],
    specs: dict[str, PeriodSpec],
    user_id: int | None,
    how: How,
    upload_id: int | None,
    result: SaveResult,
) -> list[Change]:
    desa_codes = sorted({r.region for r in rows})
    # The same per-desa queue as `save_values` (see there).
    list(Region.objects.select_for_update().filter(code__in=desa_codes).values_list("code"))
    periods = Period.objects.for_specs(set(specs.values()))
    period_ids = {code: p.id for code, p in periods.items()}
    element_ids = {code: e.id for code, e in elements.items()}
    existing: dict[tuple[str, int, int], tuple[int, float]] = {}
    for start in range(0, len(desa_codes), 500):
        for pk, region, element_id, period_id, value in DataValue.objects.filter(
            region_id__in=desa_codes[start : start + 500],
            element_id__in=set(element_ids.values()),
            period_id__in=set(period_ids.values()),
        ).values_list("id", "region_id", "element_id", "period_id", "value"):
            existing[(region, element_id, period_id)] = (pk, value)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    to_create: list[tuple[Any, ...]] = []
    to_update: list[tuple[Any, ...]] = []
    history: list[tuple[Any, ...]] = []
    changes: list[Change] = []
    for row in rows:
        element_id = element_ids[row.element]
        spec = specs[row.period]
        period_id = period_ids[spec.code]
        assert row.value is not None  # files never delete
        new = float(row.value)
        current = existing.get((row.region, element_id, period_id))
        old = current[1] if current is not None else None
        if old == new:
            result.unchanged += 1
            continue
        if current is None:
            to_create.append((row.region, element_id, period_id, new, row.source, user_id, now))
            result.created += 1
        else:
            to_update.append((current[0], new, row.source, user_id, now))
            result.updated += 1
        history.append(
            (
                row.region,
                element_id,
                period_id,
                old,
                new,
                row.source,
                how.value,
                user_id,
                now,
                upload_id,
            )
        )
        changes.append(Change(row.region, row.element, spec, old, new))
    # In key order, so each index page is visited once per chunk rather than once per row.
    to_create.sort()
    history.sort()
    _insert(
        DataValue,
        ["region_id", "element_id", "period_id", "value", "source", "updated_by_id", "updated_at"],
        to_create,
    )
    _update_values(to_update)
    _insert(
        ValueChange,
        [
            "region_id",
            "element_id",
            "period_id",
            "old_value",
            "new_value",
            "source",
            "how",
            "changed_by_id",
            "changed_at",
            "upload_id",
        ],
        history,
    )
    return changes


def _insert(
    model: type[DataValue] | type[ValueChange], columns: list[str], rows: list[tuple[Any, ...]]
) -> None:
    """Plain multi-row insert (COPY on PostgreSQL): no model instance per row."""
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    names = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        cursor.executemany(sql, rows)


def _update_values(rows: list[tuple[Any, ...]]) -> None:
    """(id, value, source, updated_by_id, updated_at) rows onto stored values."""
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(DataValue._meta.db_table)
    sets = ", ".join(f"{qn(c)} = %s" for c in ("value", "source", "updated_by_id", "updated_at"))
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(
                f"UPDATE {table} SET {sets} WHERE {qn('id')} = %s",  # noqa: S608
                [(*row[1:], row[0]) for row in rows],
            )
            return
        # One statement per thousand rows: psycopg's executemany would send one per row.
        casts = "(%s::bigint, %s::double precision, %s::varchar, %s::bigint, %s::timestamptz)"
        for start in range(0, len(rows), 1000):
            batch = rows[start : start + 1000]
            cursor.execute(
                f"UPDATE {table} AS t SET {qn('value')} = v.value, {qn('source')} = v.source, "  # noqa: S608
                f"{qn('updated_by_id')} = v.updated_by_id, {qn('updated_at')} = v.updated_at "
                f"FROM (VALUES {', '.join([casts] * len(batch))}) "
                "AS v(id, value, source, updated_by_id, updated_at) WHERE t.id = v.id",
                [x for row in batch for x in row],
            )
