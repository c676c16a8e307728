"""The one way data values are written: `save_values`.

(`file_transaction` lives in datavalues.bulk with the other database mechanisms and is
importable from here.)

Forms, file imports, the API, the admin and the sample-data commands all call it, so every
write is validated, atomic, recorded in the history and reflected in the roll-ups in the
same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from analytics.rollups import Change, apply_changes
from analytics.snapshot import catalogue_snapshot
from catalog.models import DataElement, Period
from catalog.periods import PeriodSpec, parse_period
from datavalues.approval import LOCKED_MESSAGE, is_locked, locked_keys
from datavalues.bulk import (
    _history_line,
    _insert,
    _page_cache,
    _update_values,
    _value_line,
)
from datavalues.bulk import file_transaction as file_transaction
from datavalues.checks import ValueChecker
from datavalues.key_checks import KeyChecks
from datavalues.models import DataValue, How, ValueChange
from regions.codes import CODE_WIDTH, code_at
from regions.models import Level, Region


class ValueInput(NamedTuple):
    """One value to save; `value=None` deletes the stored value (a form's "kosongkan", a
    file's HAPUS marker, an API item with `hapus`). (A tuple: a file import makes a
    million of them.)"""

    region: str
    element: str
    period: str
    value: float | None
    source: str = ""
    row: int = 0  # the row of the file it came from, for messages (0: none)


# What the checks of a value depend on in the catalogue: code → (id, value type, period
# type, maximum). A plan records it; the commit compares it to know whether the plan's
# checks still hold.
CatalogueState = dict[str, tuple[int, str, int, float | None]]


def catalogue_state(elements: Iterable[DataElement] | None = None) -> CatalogueState:
    """The element fields the checks of a value read (from `elements`, or the database)."""
    if elements is None:
        return {
            code: (pk, value_type, period_type, max_value)
            for code, pk, value_type, period_type, max_value in DataElement.objects.values_list(
                "code", "id", "value_type", "period_type", "max_value"
            )
        }
    return {e.code: (e.id, e.value_type, e.period_type, e.max_value) for e in elements}


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
            "; ".join(
                _("baris %(row)d %(field)s: %(message)s")
                % {"row": e.row, "field": e.field, "message": e.message}
                for e in errors[:20]
            )
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
    """Every row through the per-value checks (datavalues.checks), duplicates and locks."""
    errors: list[RowError] = []
    checker = ValueChecker.for_codes({r.element for r in rows})
    checker.load_regions({r.region for r in rows})
    checker.load_locks(checker.kinds)
    specs: dict[str, PeriodSpec] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for number, row in enumerate(rows, start=1):
        region = checker.region(row.region)
        if region.problem:
            errors.append(RowError(number, "region", region.problem))
        period_code, period_problem, spec = checker.period(row.period)
        if period_problem:
            errors.append(RowError(number, "period", period_problem))
        else:
            assert spec is not None
            specs[row.period] = spec
        if row.element not in checker.elements:
            errors.append(
                RowError(
                    number,
                    "element",
                    _("elemen data %(code)s tidak dikenal") % {"code": repr(row.element)},
                )
            )
        elif spec is not None and not region.problem:
            _element, refused = checker.element(row.element, region, spec)
            if refused is not None:
                errors.append(RowError(number, refused.field, refused.message))
        if row.value is not None:
            element = checker.elements.get(row.element)
            if not isinstance(row.value, int | float) or isinstance(row.value, bool):
                errors.append(RowError(number, "value", _("bukan bilangan")))
            elif element is not None and (problem := element.check_value(float(row.value))):
                errors.append(RowError(number, "value", problem))
        key = (row.region, row.element, period_code)
        if key in seen:
            errors.append(
                RowError(
                    number,
                    "region",
                    _("nilai ganda dengan baris %(first)d") % {"first": seen[key]},
                )
            )
        else:
            seen[key] = number
        if spec is not None and checker.locked(row.region, period_code):
            errors.append(RowError(number, "period", str(LOCKED_MESSAGE)))
    return errors, dict(checker.elements), specs


def _locked(rows: list[ValueInput], specs: dict[str, PeriodSpec]) -> list[RowError]:
    """Values inside a period the kecamatan approved (checked again when a plan is
    written: a period may have been approved since)."""
    locks = locked_keys(r.region for r in rows)
    if not locks:
        return []
    return [
        RowError(number, "period", str(LOCKED_MESSAGE))
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
        apply_changes(result.changes, catalogue_snapshot().catalogue)
    return result


# --- Bulk path for files ---------------------------------------------------------------


def save_value_chunks(
    *,
    chunks: Iterable[list[ValueInput]],
    by: Any = None,
    how: How | str = How.FILE,
    upload: Any = None,
    checked: CatalogueState | None = None,
) -> SaveResult:
    """`save_values` for big files: the same checks and guarantees, chunk by chunk.

    Every chunk's desa are locked and its values, one history row per change and the
    roll-up deltas are written with plain multi-row statements (COPY on PostgreSQL), all
    in one transaction: a refusal in the last chunk leaves nothing of the first. Values
    equal to the stored ones are skipped (no history row), as are deletions of values not
    stored (`value=None`: a file's clearing marker); the stored values are read
    under the desa locks. The result carries no `changes` (a million of them would not
    fit the memory bound).

    Each chunk is validated (known desa, element and period, value range, duplicates,
    locked periods) — unless `checked` is given: the rows then come from a plan
    (intake.importing) that made all those checks against the catalogue `checked`
    describes, and only what can have changed since is checked again: the catalogue
    (when it differs, every row is validated again), that each desa still exists (the
    lock reads it) and the locked periods.
    """
    how = How(how)
    user_id = getattr(by, "pk", None)
    upload_id = getattr(upload, "pk", None)
    result = SaveResult()
    catalogue = catalogue_snapshot().catalogue
    offset = 0
    changes: list[Change] | None = []
    kecamatan: set[str] = set()
    specs: dict[str, PeriodSpec] = {}
    with transaction.atomic(), _page_cache():
        state = catalogue_state() if checked is not None else None
        trusted = checked is not None and state == checked
        keys = KeyChecks.start(
            trusted and state is not None,
            user_id,
            upload_id,
            state,
            element_ids=(e.id for e in catalogue.elements.values()),
        )
        for rows in chunks:
            if not rows:
                continue
            desa_codes = sorted({r.region for r in rows})
            # The same per-desa queue as `save_values` (see there).
            locked_desa = set(
                Region.objects.select_for_update()
                .filter(code__in=desa_codes, level=Level.DESA)
                .values_list("code", flat=True)
            )
            if trusted:
                assert state is not None
                element_ids = {code: fields[0] for code, fields in state.items()}
                errors = _recheck(rows, locked_desa, specs)
                errors += _locked(rows, specs)
            else:
                errors, elements, specs = _validate(rows)  # locks included
                element_ids = {code: e.id for code, e in elements.items()}
            if errors:
                raise ValuesRejected(
                    [
                        RowError(rows[e.row - 1].row or e.row + offset, e.field, e.message)
                        for e in errors
                    ]
                )
            offset += len(rows)
            chunk_changes = _write_chunk(
                rows, element_ids, specs, user_id, how, upload_id, result, changes is not None, keys
            )
            kecamatan.update(chunk_changes.kecamatan)
            if changes is not None:
                changes += chunk_changes.changes
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


def _recheck(
    rows: list[ValueInput], locked_desa: set[str], specs: dict[str, PeriodSpec]
) -> list[RowError]:
    """What can have changed since a plan checked `rows` against an unchanged catalogue:
    a desa removed. Fills `specs` with the period of each code (already parsed by the
    plan: they parse)."""
    errors: list[RowError] = []
    for period in {r.period for r in rows} - specs.keys():
        specs[period] = parse_period(period)
    if len(locked_desa) < len({r.region for r in rows}):
        errors = [
            RowError(
                number,
                "region",
                _("%(code)s bukan kode desa/kelurahan yang dikenal") % {"code": repr(row.region)},
            )
            for number, row in enumerate(rows, start=1)
            if row.region not in locked_desa
        ]
    return errors


# At most this many changes are kept in memory for deltas; beyond, the areas are recomputed.
DELTAS_AT_MOST = 200_000


def _areas(kecamatan: set[str]) -> list[str]:
    """The smallest area holding the changed kecamatan, one per province."""
    by_province: dict[str, set[str]] = {}
    for code in kecamatan:
        by_province.setdefault(code_at(code, 1), set()).add(code)
    areas: list[str] = []
    for province, codes in sorted(by_province.items()):
        if len(codes) == 1:
            areas.append(next(iter(codes)))
        elif len({code_at(c, 2) for c in codes}) == 1:
            areas.append(code_at(next(iter(codes)), 2))
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


@dataclass
class _Written:
    kecamatan: set[str]
    changes: list[Change]


def _write_chunk(
    rows: list[ValueInput],
    element_ids: dict[str, int],
    specs: dict[str, PeriodSpec],
    user_id: int | None,
    how: How,
    upload_id: int | None,
    result: SaveResult,
    keep_changes: bool,
    keys: KeyChecks,
) -> _Written:
    """Write one chunk (its desa locked by the caller): new values, updates and history."""
    desa_codes = sorted({r.region for r in rows})
    periods = Period.objects.for_specs({specs[code] for code in {r.period for r in rows}})
    period_ids = {
        code: periods[spec.code].id for code, spec in specs.items() if spec.code in periods
    }
    existing: dict[tuple[str, int, int], tuple[int, float]] = {}
    for start in range(0, len(desa_codes), 500):
        for pk, region, element_id, period_id, value in DataValue.objects.filter(
            region_id__in=desa_codes[start : start + 500],
            element_id__in={element_ids[r.element] for r in rows},
            period_id__in=set(period_ids.values()),
        ).plain_rows("id", "region_id", "element_id", "period_id", "value"):
            existing[(region, element_id, period_id)] = (pk, value)
    moment = timezone.now()
    # As text once, not per row (COPY reads text; SQLite stores it as Django writes it).
    now = (
        moment.isoformat()
        if connection.vendor == "postgresql"
        else connection.ops.adapt_datetimefield_value(moment)
    )
    to_create: list[tuple[Any, ...]] = []
    to_update: list[tuple[Any, ...]] = []
    to_delete: list[int] = []
    history: list[tuple[Any, ...]] = []
    written = _Written(set(), [])
    how_value = how.value
    unchanged = 0
    for region, element, period, given, source, _row in rows:
        element_id = element_ids[element]
        period_id = period_ids[period]
        current = existing.get((region, element_id, period_id))
        new: float | None
        if given is None:  # a file's explicit clearing marker (datavalues.batch)
            if current is None:
                unchanged += 1
                continue
            new, old = None, current[1]
            to_delete.append(current[0])
        elif current is None:
            new = float(given)
            old = None
            to_create.append((region, element_id, period_id, new, source))
        else:
            new, old = float(given), current[1]
            if old == new:
                unchanged += 1
                continue
            to_update.append((current[0], new, source, user_id, now))
        history.append((region, element_id, period_id, old, new, source))
        if keep_changes:
            written.changes.append(Change(region, element, specs[period], old, new))
    result.unchanged += unchanged
    result.created += len(to_create)
    result.updated += len(to_update)
    result.deleted += len(to_delete)
    kecamatan = CODE_WIDTH[3]
    written.kecamatan = {h[0][:kecamatan] for h in history}
    # In key order, so each index page is visited once per chunk rather than once per row.
    to_create.sort()
    history.sort()  # keys are unique: the comparison never reaches the old value
    if history:
        keys.periods(set(period_ids.values()))
    # Deletions with the key checks on (nothing references a value; few rows).
    for start in range(0, len(to_delete), 2000):
        DataValue.objects.filter(id__in=to_delete[start : start + 2000]).delete()
    with keys.writing():
        _insert(
            DataValue,
            ["region_id", "element_id", "period_id", "value", "source"],
            to_create,
            _value_line,
            {"updated_by_id": user_id, "updated_at": now},
        )
        _update_values(to_update)
        _insert(
            ValueChange,
            ["region_id", "element_id", "period_id", "old_value", "new_value", "source"],
            history,
            _history_line,
            {"how": how_value, "changed_by_id": user_id, "changed_at": now, "upload_id": upload_id},
        )
    return written
