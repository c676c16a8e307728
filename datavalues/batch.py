"""A batch of values from rows to the database: every row's fate first, then all or none.

`_Planner` takes rows already resolved to (desa, element code, column, cell) — from a file
(intake.importing reads the table and finds each row's desa), or any other source — checks
every value (datavalues.checks), applies the rules across values (datavalues.validation),
and gives every row its fate: new, changed (old → new), unchanged, warning or error. The
values to write wait in a spool (`_Stage`); `write_plan` writes a plan through
`save_value_chunks` (files) or `save_values`, all or nothing.

Rows stream through in chunks of CHUNK_ROWS, so the memory of a plan does not grow with
the file (see `_Planner`).

A cell holding the marker `HAPUS` (any case; CLEAR_MARKER) clears the stored value: the
row's fate is "dihapus" (deleted), with the same checks of desa, element, period, write
permission and locks as a value; a marker where nothing is stored leaves the row
unchanged. A blank cell never deletes.
"""

from __future__ import annotations

import gc
import pickle
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import IO, Any, cast

from accounts.scoping import Scope
from catalog.models import DataElement, Period
from datavalues import approval, validation
from datavalues.checks import ValueChecker
from datavalues.models import DataValue, How
from datavalues.numbers import BadCell, Cell, is_blank, parse_number
from datavalues.writing import (
    CatalogueState,
    SaveResult,
    ValueInput,
    ValuesRejected,
    save_value_chunks,
    save_values,
)
from regions.crosswalk import OldCodes

PREVIEW_ROWS = 1000
# Rows checked together: one query per chunk for old values, locks and the rules.
CHUNK_ROWS = 20_000
# Where a refused element is reported (datavalues.checks fields); others: the value column.
_FIELD_COLUMNS = {"element": "kode_data", "period": "periode"}
# The cell text that clears a stored value (compared without case and spaces).
CLEAR_MARKER = "HAPUS"


def is_clear_marker(cell: Cell) -> bool:
    return type(cell) is str and cell.strip().upper() == CLEAR_MARKER


class Fate(StrEnum):
    NEW = "baru"
    CHANGED = "berubah"
    UNCHANGED = "tetap"
    WARNING = "peringatan"
    ERROR = "galat"
    DELETED = "dihapus"


@dataclass(slots=True)
class Problem:
    row: int  # 1-based row of the file (the header is row 1 of a CSV)
    column: str
    message: str
    severity: str = validation.ERROR


@dataclass(slots=True, eq=False)  # many: no per-instance dict; hashed by identity
class Item:
    """One value from one row (a wide row carries several); checked by the validation
    rules as it is (`key` is the item itself)."""

    row: int
    column: str
    region: str
    element: str
    period: str
    value: float | None  # None: the marker asks to clear the stored value
    source: str
    old: float | None = None

    @property
    def key(self) -> Item:
        return self


@dataclass
class RowFate:
    row: int
    fate: Fate
    cells: list[Cell]
    reasons: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. "kode lama X → Y"


@dataclass
class Plan:
    layout: str = ""
    header: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    # How many values the plan would write (new or changed), and where they wait for the
    # commit (None for a plan that is only shown).
    values: int = 0
    stage: _Stage | None = field(default=None, repr=False, compare=False)
    # The catalogue the rows were checked against (the commit re-checks only on a change).
    catalogue: CatalogueState = field(default_factory=dict, repr=False, compare=False)
    counts: dict[str, int] = field(default_factory=lambda: {f.value: 0 for f in Fate})
    # Fates of the first PREVIEW_ROWS rows and of every row with a problem (for the page and
    # the error report); counts cover all rows.
    fates: list[RowFate] = field(default_factory=list)
    # Rows whose desa code is a code of an earlier edition: (row, old code, today's code).
    old_codes: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == validation.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != validation.ERROR]


class _Collections:
    """Python's cyclic garbage collector paused while a big file is planned or written.

    A big file allocates millions of small objects that live for a chunk (rows, items,
    tuples), and the collector, run every 700 allocations, walks them again and again:
    measured on 1,000,000 rows, the plan took twice as long with it on. Nothing of a plan
    forms cycles that need it: a collection of the young objects after every chunk found
    3 objects in a whole 1,000,000-row import, and cost 1.6 s walking the live rows. So
    what other code leaves behind is collected once, when the file is done.

    Paused only once a plan reaches a second chunk (or writes that many values): a form or
    a small file never switches the collector off for the rest of the process."""

    def __init__(self) -> None:
        self.paused = False
        self.was_enabled = False

    def pause(self) -> None:
        if not self.paused:
            self.was_enabled = gc.isenabled()
            gc.disable()
            self.paused = True

    def restore(self) -> None:
        if self.paused:
            self.paused = False
            if self.was_enabled:
                gc.enable()
            gc.collect()


@contextmanager
def _few_collections(big: bool = True) -> Iterator[_Collections]:
    collections = _Collections()
    if big:
        collections.pause()
    try:
        yield collections
    finally:
        collections.restore()


@dataclass(slots=True)
class _Row:
    """A data row between reading and its fate (a chunk of them at a time)."""

    number: int
    cells: list[Cell]
    region: str
    entries: list[tuple[str, str, Cell]]  # (element code, column, value cell)
    period: str
    source: str
    items: list[Item] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    note: str = ""  # how its desa was found, when not by its own code


class _Planner:
    """Rows in, fates out, CHUNK_ROWS at a time: the memory of a plan does not grow with
    the file except for its counts, its kept fates and problems, one small integer per
    value for duplicates across the whole file, and the rows that carry a paired element
    (numerator ≤ denominator), which wait for the end of the file so that both sides of
    a pair are compared wherever they are in the file."""

    def __init__(
        self,
        plan: Plan,
        *,
        elements: dict[str, DataElement],
        scope: Scope | None,
        today: date,
        long: bool,
        decimal_comma: bool | None,
        stage: bool,
        collections: _Collections | None = None,
    ) -> None:
        self.plan = plan
        self.collections = collections
        self.elements = elements
        self.scope = scope
        self.today = today
        self.long = long
        self.decimal_comma = decimal_comma
        self.checker = ValueChecker(elements, scope=scope, today=today)
        self.rules = validation.rules()
        self.paired = {p.numerator for p in self.rules.pairs} | {
            p.denominator for p in self.rules.pairs
        }
        self.preview_last = 0
        self.pending: list[_Row] = []
        self.deferred: list[_Row] = []
        self.pair_values: dict[tuple[str, str, str], float] = {}
        # Duplicates across the file: (desa, element, period) packed into one int → row.
        self.seen: dict[int, int] = {}
        self.region_index: dict[str, int] = {}
        self.element_index = {code: i for i, code in enumerate(elements)}
        self.period_index: dict[str, int] = {}
        self.period_ids: dict[str, int | None] = {}
        self.stage = _Stage() if stage else None
        plan.stage = self.stage
        self.old_codes: OldCodes | None = None  # read at the first row with a code

    # -- rows ---------------------------------------------------------------------------

    def refuse(self, number: int, cells: list[Cell], problem: Problem) -> None:
        """A row refused before it is resolved (its desa cannot be found)."""
        row = _Row(number, cells, "", [], "", "", problems=[problem])
        self.pending.append(row)

    def add(self, row: _Row) -> None:
        if row.region and not row.note:
            self._resolve_old_code(row)
        self.pending.append(row)
        if len(self.pending) >= CHUNK_ROWS:
            if self.collections is not None:
                self.collections.pause()  # a big file: see _Collections
            self._chunk(self.pending)
            self.pending = []

    def _resolve_old_code(self, row: _Row) -> None:
        """A desa code of an earlier edition: today's desa, said on the row (or refused,
        with the reason, when the crosswalk cannot say which desa)."""
        if self.old_codes is None:
            self.old_codes = OldCodes()
        old = self.old_codes.resolve(row.region)
        if old is None:
            return
        if old.problem:
            row.problems.append(Problem(row.number, "kode_wilayah", old.problem))
            return
        self.plan.old_codes.append((row.number, row.region, old.code))
        row.region, row.note = old.code, old.note

    def finish(self) -> None:
        if self.pending:
            self._chunk(self.pending)
            self.pending = []
        # The rows with paired elements, now that every value of the file is known.
        for start in range(0, len(self.deferred), CHUNK_ROWS):
            self._settle(self.deferred[start : start + CHUNK_ROWS], context=self.pair_values)
        self.deferred = []
        plan = self.plan
        plan.fates.sort(key=lambda f: f.row)
        plan.problems.sort(key=lambda p: p.row)
        if self.stage is not None:
            self.stage.close()

    def _chunk(self, rows: list[_Row]) -> None:
        self.checker.load_regions({r.region for r in rows if r.region})
        self.checker.load_locks({r.region for r in rows if r.region})
        ready: list[_Row] = []
        for row in rows:
            if not row.problems:
                self._check(row)
            row.entries = []  # read: only the cells stay, for the preview and the report
            if any(i.element in self.paired for i in row.items):
                for item in row.items:
                    if item.element in self.paired and item.value is not None:
                        self.pair_values[(item.region, item.element, item.period)] = item.value
                self.deferred.append(row)
            else:
                ready.append(row)
        self._settle(ready, context=None)

    def _check(self, row: _Row) -> None:
        """The checks of one row that need no other row (datavalues.checks), and
        duplicates across the file."""
        number, region, problems = row.number, row.region, row.problems
        checker = self.checker
        checked_region = checker.region(region)
        if checked_region.problem:
            problems.append(Problem(number, "kode_wilayah", checked_region.problem))
            return
        region_index = self.region_index.setdefault(region, len(self.region_index))
        period_code, period_problem, spec = checker.period(row.period)
        if period_problem:
            problems.append(Problem(number, "periode", period_problem))
            return
        assert spec is not None
        period_index = self.period_index.setdefault(period_code, len(self.period_index))
        locked = checker.locked(region, period_code)
        seen, element_index, items = self.seen, self.element_index, []
        for code, column, value_cell in row.entries:
            if not self.long and is_blank(value_cell):
                continue
            element, refused = checker.element(code, checked_region, spec)
            if refused is not None:
                where = _FIELD_COLUMNS.get(refused.field, column)
                problems.append(Problem(number, where, refused.message))
                continue
            assert element is not None
            if is_blank(value_cell):
                problems.append(Problem(number, column, "nilai kosong / empty value"))
                continue
            value: float | None = None
            if not is_clear_marker(value_cell):
                try:
                    value = parse_number(value_cell, decimal_comma=self.decimal_comma)
                except BadCell as exc:
                    problems.append(Problem(number, column, str(exc)))
                    continue
                if problem := element.check_value(value):
                    problems.append(Problem(number, column, f"{value:g}: {problem}"))
                    continue
            key = (region_index * 4096 + element_index[code]) * 65536 + period_index
            first = seen.setdefault(key, number)
            if first != number:
                problems.append(
                    Problem(
                        number,
                        column,
                        f"{region} {code} {period_code} sudah ada di baris {first} / "
                        f"duplicate of row {first}",
                    )
                )
                continue
            if locked:
                problems.append(Problem(number, "periode", approval.LOCKED_MESSAGE))
                continue
            items.append(Item(number, column, region, code, period_code, value, row.source))
        row.items = items

    def _settle(
        self, rows: list[_Row], *, context: dict[tuple[str, str, str], float] | None
    ) -> None:
        """Old values, cross-value rules and the fate of each row of a chunk."""
        items = [item for row in rows for item in row.items]
        self._attach_old_values(items)
        # A clearing is no value: the rules across values see only the values.
        valued = [item for item in items if item.value is not None]
        findings = validation.check_batch(
            cast(list[validation.Checkable], valued),  # each has a value: Checkable
            context=context,
            outlier_keys={it for it in valued if it.old != it.value},
        )
        by_item: dict[int, list[Problem]] = {}
        for finding in findings:
            item = finding.key
            by_item.setdefault(id(item), []).append(
                Problem(item.row, item.column, finding.message, finding.severity)
            )
        plan = self.plan
        staged: list[Item] = []
        for row in rows:
            problems = row.problems
            row_items = row.items
            if by_item:
                for item in row_items:
                    problems.extend(by_item.get(id(item), ()))
            if problems:
                errors = any(p.severity == validation.ERROR for p in problems)
                fate = Fate.ERROR if errors else Fate.WARNING
            else:
                fate = Fate.UNCHANGED
                for item in row_items:
                    if item.value is None:
                        if item.old is not None:
                            fate = Fate.DELETED
                    elif item.old is None:
                        fate = Fate.NEW
                    elif item.old != item.value:
                        fate = Fate.CHANGED
                        break
            plan.counts[fate.value] += 1
            plan.problems.extend(problems)
            if fate is not Fate.ERROR:
                for item in row_items:
                    if item.old != item.value:
                        staged.append(item)
            if problems or row.number <= self.preview_last or row.note:
                plan.fates.append(
                    RowFate(
                        row=row.number,
                        fate=fate,
                        cells=row.cells,
                        reasons=[f"{p.column}: {p.message}" for p in problems],
                        changes=[
                            f"{i.element} {i.period}: "
                            + ("—" if i.old is None else f"{i.old:g}")
                            + (" → dihapus" if i.value is None else f" → {i.value:g}")
                            for i in row.items
                            if i.old != i.value
                        ],
                        notes=[row.note] if row.note else [],
                    )
                )
        plan.values += len(staged)
        if self.stage is not None and not plan.errors:
            self.stage.write(staged)

    def _attach_old_values(self, items: list[Item]) -> None:
        """The stored value of each item, for its fate (new, changed or unchanged)."""
        if not items:
            return
        unknown = {i.period for i in items} - self.period_ids.keys()
        if unknown:
            found = dict(Period.objects.filter(code__in=unknown).values_list("code", "id"))
            for code in unknown:
                self.period_ids[code] = found.get(code)
        element_ids = {self.elements[i.element].id: i.element for i in items}
        period_codes = {
            self.period_ids[i.period]: i.period for i in items if self.period_ids[i.period]
        }
        stored: dict[tuple[str, str, str], float] = {}
        if period_codes:
            regions = sorted({i.region for i in items})
            for start in range(0, len(regions), 500):
                for region, element_id, period_id, value in DataValue.objects.filter(
                    region_id__in=regions[start : start + 500],
                    element_id__in=element_ids,
                    period_id__in=period_codes,
                ).plain_rows("region_id", "element_id", "period_id", "value"):
                    stored[(region, element_ids[element_id], period_codes[period_id])] = value
        for item in items:
            item.old = stored.get((item.region, item.element, item.period))


class _Stage:
    """The values a plan would write, spooled to a temporary file in chunks, so that the
    commit writes them without reading the file again and without holding them all."""

    def __init__(self) -> None:
        self.file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self.closed = False

    def write(self, items: list[Item]) -> None:
        if items:
            pickle.dump(
                [(i.region, i.element, i.period, i.value, i.source, i.row) for i in items],
                self.file,
                protocol=pickle.HIGHEST_PROTOCOL,
            )

    def close(self) -> None:
        self.file.flush()

    def chunks(self) -> Iterator[list[ValueInput]]:
        self.file.seek(0)
        batch: list[ValueInput] = []
        while True:
            try:
                # Only ever our own spool, written just above in this process.
                rows = pickle.load(self.file)  # noqa: S301
            except EOFError:
                break
            batch.extend(map(ValueInput._make, rows))
            if len(batch) >= CHUNK_ROWS:
                yield batch
                batch = []
        if batch:
            yield batch

    def discard(self) -> None:
        self.file.close()


# Moved to datavalues.checks; the old names stay importable.


class ImportRefused(ValueError):
    def __init__(self, plan: Plan, message: str) -> None:
        self.plan = plan
        super().__init__(message)


def write_plan(
    plan: Plan, *, by: Any, accept_warnings: bool, how: How = How.FILE, upload: Any = None
) -> int:
    """Save the planned values; the caller holds the transaction.

    Files go through `save_value_chunks` a chunk at a time (history rows carry `upload`);
    the API's few values through `save_values`."""
    if plan.errors:
        raise ImportRefused(plan, f"{len(plan.errors)} galat; tidak ada yang disimpan")
    if plan.warnings and not accept_warnings:
        raise ImportRefused(plan, f"{len(plan.warnings)} peringatan perlu dikonfirmasi")
    if plan.stage is None:
        raise ValueError("write_plan needs a plan made with stage=True")
    try:
        with _few_collections(big=plan.values >= CHUNK_ROWS):
            result = _write_staged(plan, plan.stage, by=by, how=how, upload=upload)
    except ValuesRejected as exc:  # the state changed since the plan: refuse, never half
        raise ImportRefused(plan, str(exc)) from exc
    return result.created + result.updated + result.deleted


def _write_staged(plan: Plan, stage: _Stage, *, by: Any, how: How, upload: Any) -> SaveResult:
    if how == How.FILE:
        return save_value_chunks(
            chunks=stage.chunks(), by=by, how=how, upload=upload, checked=plan.catalogue
        )
    return save_values(values=(v for chunk in stage.chunks() for v in chunk), by=by, how=how)
