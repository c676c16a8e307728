"""Planning and committing a values file: every row's fate first, then all of it or nothing.

`plan_values` reads a table (intake.parsing), resolves each row to (desa, data element,
period, value), applies the checks of the write path and the validation rules, and says
for every row what would happen: new, changed (old → new), unchanged, warning or error.
`import_commit` re-plans the stored file (values may have changed since the preview),
refuses on any error (or on unconfirmed warnings), and writes through `save_values` in the
same transaction as the upload record, so a killed process leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from accounts.scoping import Scope, scope_of
from catalog.models import DataElement, Period
from catalog.periods import BadPeriod, PeriodType, parse_period
from datavalues import approval, validation
from datavalues.models import DataValue, How
from datavalues.writing import ValueInput, ValuesRejected, save_values
from intake.models import RegionAlias, Status, Upload
from intake.parsing import (
    BadCell,
    BadFile,
    Cell,
    Table,
    is_blank,
    normalise_header,
    open_table,
    parse_number,
    parse_period_cell,
    text,
)
from regions.models import Kind, Level, Region

WRITER_ROLES = {Role.ADMIN, Role.KABUPATEN, Role.KECAMATAN, Role.DESA}
REGION_COLUMNS = ("kode_wilayah", "kode_desa", "kode")
NAME_COLUMNS = ("nama_desa", "desa", "nama_wilayah", "nama")
KECAMATAN_COLUMNS = ("kode_kecamatan",)
# Columns a wide file may carry that are not data elements.
META_COLUMNS = {
    *REGION_COLUMNS,
    *NAME_COLUMNS,
    *KECAMATAN_COLUMNS,
    "periode",
    "kecamatan",
    "nama_kecamatan",
    "no",
    "nomor",
    "sumber",
    "catatan",
    "keterangan",
}
PREVIEW_ROWS = 1000


class Fate(StrEnum):
    NEW = "baru"
    CHANGED = "berubah"
    UNCHANGED = "tetap"
    WARNING = "peringatan"
    ERROR = "galat"


@dataclass(slots=True)
class Problem:
    row: int  # 1-based row of the file (the header is row 1 of a CSV)
    column: str
    message: str
    severity: str = validation.ERROR


@dataclass(slots=True)  # a million of these for a big file: no per-instance dict
class Item:
    """One value from one row (a wide row carries several)."""

    row: int
    column: str
    region: str
    element: str
    period: str
    value: float
    source: str
    old: float | None = None


@dataclass
class RowFate:
    row: int
    fate: Fate
    cells: list[Cell]
    reasons: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


@dataclass
class Plan:
    layout: str = ""
    header: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {f.value: 0 for f in Fate})
    # Fates of the first PREVIEW_ROWS rows and of every row with a problem (for the page and
    # the error report); counts cover all rows.
    fates: list[RowFate] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == validation.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != validation.ERROR]


def _norm_name(name: str) -> str:
    name = name.lower().strip()
    name = re.sub(r"^(desa|kelurahan|kel\.|kalurahan|ds\.)\s*", "", name)
    return re.sub(r"[^a-z0-9]", "", name)


class _Regions:
    """Desa lookups for one import: by code, and by name inside a kecamatan with aliases."""

    def __init__(self) -> None:
        self.kinds: dict[str, str] = {}
        self.parents: dict[str, str] = {}
        self._by_name: dict[str, dict[str, set[str]]] = {}

    def load_codes(self, codes: set[str]) -> None:
        missing = sorted(codes - self.kinds.keys())
        for start in range(0, len(missing), 900):
            for code, kind, parent in Region.objects.filter(
                code__in=missing[start : start + 900], level=Level.DESA
            ).values_list("code", "kind", "parent_id"):
                self.kinds[code] = kind
                self.parents[code] = parent or ""

    def by_name(self, kecamatan: str, name: str) -> tuple[str | None, str]:
        names = self._by_name.get(kecamatan)
        if names is None:
            names = {}
            for code, region_name, kind in Region.objects.filter(
                parent_id=kecamatan, level=Level.DESA
            ).values_list("code", "name", "kind"):
                names.setdefault(_norm_name(region_name), set()).add(code)
                self.kinds[code] = kind
                self.parents[code] = kecamatan
            for code, alias in RegionAlias.objects.filter(region__parent_id=kecamatan).values_list(
                "region_id", "alias"
            ):
                names.setdefault(_norm_name(alias), set()).add(code)
            self._by_name[kecamatan] = names
        found = names.get(_norm_name(name), set())
        if len(found) == 1:
            return next(iter(found)), ""
        if not found:
            return None, (
                f"desa {name!r} tidak ada di kecamatan {kecamatan} / no desa of that name"
            )
        return None, (
            f"nama desa {name!r} ambigu di kecamatan {kecamatan} ({', '.join(sorted(found))}); "
            "pakai kode wilayah / ambiguous desa name: use the region code"
        )


def _may_write(scope: Scope | None, code: str) -> bool:
    if scope is None:  # a management command run by the server's operator
        return True
    return scope.covers(code) and bool(scope.roles_at(code) & WRITER_ROLES)


def _columns(header: list[str]) -> dict[str, int]:
    return {normalise_header(h): i for i, h in enumerate(header) if h.strip()}


def _element_code(header_cell: str) -> str:
    """`"BUMIL_ANC (Ibu hamil …)"` → `BUMIL_ANC`: template headers carry the name too."""
    return re.split(r"[\s(]", header_cell.strip(), maxsplit=1)[0].upper()


def plan_values(
    table: Table,
    *,
    by: Any = None,
    period: str = "",
    kecamatan: str = "",
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> Plan:
    """Every row's fate; writes nothing. `by=None` means no scope limit (commands)."""
    plan = Plan(header=table.header)
    scope = scope_of(by) if by is not None else None
    today = today or timezone.localdate()
    columns = _columns(table.header)
    elements = {e.code: e for e in DataElement.objects.all()}
    long = {"kode_data", "nilai"} <= columns.keys()
    region_col = next((columns[c] for c in REGION_COLUMNS if c in columns), None)
    name_col = next((columns[c] for c in NAME_COLUMNS if c in columns), None)
    kec_col = next((columns[c] for c in KECAMATAN_COLUMNS if c in columns), None)
    period_col = columns.get("periode")
    source_col = columns.get("sumber")
    value_columns: list[tuple[int, str]] = []
    if long:
        plan.layout = "long"
    else:
        plan.layout = "wide"
        for index, name in enumerate(table.header):
            if not name.strip() or normalise_header(name) in META_COLUMNS:
                continue
            code = _element_code(name)
            if code not in elements:
                plan.problems.append(
                    Problem(
                        1,
                        name,
                        f"kolom {name!r} bukan kode data yang dikenal / unknown data element "
                        "column",
                    )
                )
            else:
                value_columns.append((index, code))
        if not value_columns and not plan.problems:
            plan.problems.append(
                Problem(
                    1,
                    "",
                    "tidak ada kolom kode_data/nilai (format panjang) atau kolom kode data "
                    "(format lebar) / no data columns found",
                )
            )
    if region_col is None and name_col is None:
        plan.problems.append(
            Problem(1, "kode_wilayah", "kolom kode_wilayah tidak ada / missing region column")
        )
    if period_col is None and not period:
        plan.problems.append(
            Problem(
                1,
                "periode",
                "kolom periode tidak ada dan periode tidak diberikan / no period column or "
                "period option",
            )
        )
    if plan.errors:
        return plan
    regions = _Regions()
    raw: list[tuple[int, list[Cell], str, list[tuple[str, str, Cell]], str, str]] = []
    # First pass: read and resolve regions (batched, so a million rows need few queries).
    pending_codes: set[str] = set()
    for number, cells in table.rows:
        if all(is_blank(c) for c in cells):
            continue  # trailing or spacer rows
        if not long and all(is_blank(cells[i]) for i, _ in value_columns if i < len(cells)):
            continue  # a template row left empty: nothing to say about that desa
        plan.rows += 1
        if progress is not None and plan.rows % 50_000 == 0:
            progress(plan.rows)

        def cell(index: int | None, cells: list[Cell] = cells) -> Cell:
            return cells[index] if index is not None and index < len(cells) else None

        region = text(cell(region_col))
        if not region and name_col is not None:
            kec = text(cell(kec_col)) or kecamatan
            name = text(cell(name_col))
            if not kec:
                plan.problems.append(
                    Problem(
                        number,
                        "nama_desa",
                        "pencocokan nama desa perlu kecamatan / matching by name needs the "
                        "kecamatan",
                    )
                )
                continue
            matched, why = regions.by_name(kec, name)
            if matched is None:
                plan.problems.append(Problem(number, "nama_desa", why))
                continue
            region = matched
        pending_codes.add(region)
        row_period = parse_period_cell(cell(period_col)) if period_col is not None else ""
        row_period = row_period or period
        source = text(cell(source_col))[:60]
        if long:
            entries = [(text(cell(columns["kode_data"])).upper(), "nilai", cell(columns["nilai"]))]
        else:
            entries = [(code, table.header[i], cell(i)) for i, code in value_columns]
        raw.append((number, cells, region, entries, row_period, source))
    regions.load_codes(pending_codes)
    seen: dict[tuple[str, str, str], int] = {}
    periods_ok: dict[str, tuple[str, str]] = {}
    for number, _cells, region, entries, row_period, source in raw:
        kind = regions.kinds.get(region)
        if kind is None:
            plan.problems.append(
                Problem(
                    number,
                    "kode_wilayah",
                    f"{region!r} bukan kode desa/kelurahan yang dikenal / unknown desa code",
                )
            )
            continue
        if not _may_write(scope, region):
            plan.problems.append(
                Problem(
                    number,
                    "kode_wilayah",
                    f"{region} di luar wilayah yang boleh Anda isi / outside your scope",
                )
            )
            continue
        if row_period not in periods_ok:
            periods_ok[row_period] = _check_period(row_period, today)
        period_code, period_problem = periods_ok[row_period]
        if period_problem:
            plan.problems.append(Problem(number, "periode", period_problem))
            continue
        for code, column, value_cell in entries:
            if not long and is_blank(value_cell):
                continue
            element = elements.get(code)
            if element is None:
                plan.problems.append(
                    Problem(
                        number, "kode_data", f"kode data {code!r} tidak dikenal / unknown element"
                    )
                )
                continue
            if kind == Kind.KELURAHAN and code in validation.rules().desa_only:
                plan.problems.append(
                    Problem(
                        number,
                        column,
                        f"{code} hanya untuk desa; {region} adalah kelurahan / "
                        "only for desa, not kelurahan",
                    )
                )
                continue
            spec = parse_period(period_code)
            expected = element.period_type_enum
            if spec.type != expected:
                plan.problems.append(
                    Problem(
                        number,
                        "periode",
                        f"{code} dilaporkan per {_type_name(expected)}, bukan {period_code} / "
                        f"reported per {expected.slug}",
                    )
                )
                continue
            if is_blank(value_cell):
                plan.problems.append(Problem(number, column, "nilai kosong / empty value"))
                continue
            try:
                value = parse_number(value_cell, decimal_comma=table.decimal_comma)
            except BadCell as exc:
                plan.problems.append(Problem(number, column, str(exc)))
                continue
            if problem := element.check_value(value):
                plan.problems.append(Problem(number, column, f"{value:g}: {problem}"))
                continue
            key = (region, code, period_code)
            if key in seen:
                plan.problems.append(
                    Problem(
                        number,
                        column,
                        f"{region} {code} {period_code} sudah ada di baris {seen[key]} / "
                        f"duplicate of row {seen[key]}",
                    )
                )
                continue
            seen[key] = number
            plan.items.append(Item(number, column, region, code, period_code, value, source))
    _refuse_locked(plan)
    _attach_old_values(plan, elements)
    findings = validation.check_batch(
        [
            validation.Candidate(i, it.region, it.element, it.period, it.value)
            for i, it in enumerate(plan.items)
        ]
    )
    for finding in findings:
        item = plan.items[finding.key]
        plan.problems.append(Problem(item.row, item.column, finding.message, finding.severity))
    _fates(plan, raw_rows={n: c for n, c, *_ in raw})
    return plan


def _type_name(period_type: PeriodType) -> str:
    return {
        PeriodType.MONTH: "bulan",
        PeriodType.QUARTER: "triwulan",
        PeriodType.SEMESTER: "semester",
        PeriodType.YEAR: "tahun",
    }[period_type]


def _check_period(code: str, today: date) -> tuple[str, str]:
    if not code:
        return "", "periode kosong / empty period"
    try:
        spec = parse_period(code)
    except BadPeriod as exc:
        return "", str(exc)
    if date(spec.year, spec.first_month, 1) > today:
        return "", f"periode {spec.code} belum dimulai / the period is in the future"
    return spec.code, ""


def _refuse_locked(plan: Plan) -> None:
    """Values inside an approved (locked) period are errors, shown on their row."""
    locks = approval.locked_keys(i.region for i in plan.items)
    if not locks:
        return
    kept: list[Item] = []
    for item in plan.items:
        if approval.is_locked(locks, item.region, item.period):
            plan.problems.append(Problem(item.row, "periode", approval.LOCKED_MESSAGE))
        else:
            kept.append(item)
    plan.items = kept


def _attach_old_values(plan: Plan, elements: dict[str, DataElement]) -> None:
    """The stored value of each item, for its fate (new, changed or unchanged)."""
    if not plan.items:
        return
    periods = {p.code: p.id for p in Period.objects.filter(code__in={i.period for i in plan.items})}
    element_ids = {elements[i.element].id: i.element for i in plan.items}
    period_codes = {v: k for k, v in periods.items()}
    stored: dict[tuple[str, str, str], float] = {}
    regions = sorted({i.region for i in plan.items})
    for start in range(0, len(regions), 500):
        for region, element_id, period_id, value in DataValue.objects.filter(
            region_id__in=regions[start : start + 500],
            element_id__in=element_ids,
            period_id__in=period_codes,
        ).values_list("region_id", "element_id", "period_id", "value"):
            stored[(region, element_ids[element_id], period_codes[period_id])] = value
    for item in plan.items:
        item.old = stored.get((item.region, item.element, item.period))


def _fates(plan: Plan, *, raw_rows: dict[int, list[Cell]]) -> None:
    by_row: dict[int, list[Problem]] = {}
    for problem in plan.problems:
        by_row.setdefault(problem.row, []).append(problem)
    items_by_row: dict[int, list[Item]] = {}
    for item in plan.items:
        items_by_row.setdefault(item.row, []).append(item)
    for number in sorted(raw_rows.keys() | {p.row for p in plan.problems if p.row > 1}):
        problems = by_row.get(number, [])
        items = items_by_row.get(number, [])
        if any(p.severity == validation.ERROR for p in problems):
            fate = Fate.ERROR
        elif problems:
            fate = Fate.WARNING
        elif any(i.old is not None and i.old != i.value for i in items):
            fate = Fate.CHANGED
        elif any(i.old is None for i in items):
            fate = Fate.NEW
        else:
            fate = Fate.UNCHANGED
        plan.counts[fate.value] += 1
        if problems or len(plan.fates) < PREVIEW_ROWS:
            plan.fates.append(
                RowFate(
                    row=number,
                    fate=fate,
                    cells=raw_rows.get(number, []),
                    reasons=[f"{p.column}: {p.message}" for p in problems],
                    changes=[
                        f"{i.element} {i.period}: "
                        + ("—" if i.old is None else f"{i.old:g}")
                        + f" → {i.value:g}"
                        for i in items
                        if i.old != i.value
                    ],
                )
            )


def plan_upload(upload: Upload, *, by: Any, progress: Callable[[int], None] | None = None) -> Plan:
    """Plan the stored file of an upload (header-level refusals become one problem)."""
    try:
        table = open_table(io.BytesIO(bytes(upload.content)), size=upload.size)
    except BadFile as exc:
        return Plan(problems=[Problem(0, "", str(exc))])
    return plan_values(
        table,
        by=by,
        period=upload.period,
        kecamatan=upload.kecamatan_id or "",
        progress=progress,
    )


def receive(*, name: str, stream: IO[bytes], size: int, by: Any, **options: Any) -> Upload:
    """Store an uploaded file as an Upload, after the size check (nothing else written)."""
    from intake.parsing import max_upload_bytes

    if size > max_upload_bytes():
        raise BadFile(
            f"Berkas melebihi batas {max_upload_bytes() // 1048576} MB. / "
            "The file exceeds the size limit."
        )
    content = stream.read(max_upload_bytes() + 1)
    return Upload.objects.create(
        file_name=name[:200],
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content=content,
        uploaded_by=by if getattr(by, "pk", None) else None,
        status=Status.RECEIVED,
        **options,
    )


def record_plan(upload: Upload, plan: Plan) -> None:
    upload.rows = plan.rows
    upload.progress = plan.rows
    upload.created = plan.counts[Fate.NEW]
    upload.updated = plan.counts[Fate.CHANGED]
    upload.unchanged = plan.counts[Fate.UNCHANGED]
    upload.warnings = len(plan.warnings)
    upload.errors = len(plan.errors)
    upload.status = Status.REJECTED if plan.errors else Status.PREVIEWED
    upload.message = plan.errors[0].message if plan.errors else ""
    upload.save()


class ImportRefused(ValueError):
    def __init__(self, plan: Plan, message: str) -> None:
        self.plan = plan
        super().__init__(message)


def write_plan(plan: Plan, *, by: Any, accept_warnings: bool, how: How = How.FILE) -> int:
    """Save the planned values through `save_values`; the caller holds the transaction."""
    if plan.errors:
        raise ImportRefused(plan, f"{len(plan.errors)} galat; tidak ada yang disimpan")
    if plan.warnings and not accept_warnings:
        raise ImportRefused(plan, f"{len(plan.warnings)} peringatan perlu dikonfirmasi")
    try:
        result = save_values(
            values=(
                ValueInput(i.region, i.element, i.period, i.value, i.source)
                for i in plan.items
                if i.old != i.value
            ),
            by=by,
            how=how,
        )
    except ValuesRejected as exc:  # the state changed since the plan: refuse, never half
        raise ImportRefused(plan, str(exc)) from exc
    return result.created + result.updated


def import_commit(
    *,
    upload: Upload,
    by: Any,
    accept_warnings: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Plan:
    """Re-plan the stored file and write it all, or nothing (status and counts recorded)."""
    plan = plan_upload(upload, by=by, progress=progress)
    if progress is not None:
        progress(plan.rows)  # every row checked: the writing starts
    try:
        with transaction.atomic():
            write_plan(plan, by=by, accept_warnings=accept_warnings)
            record_plan(upload, plan)
            upload.status = Status.COMMITTED
            upload.committed_at = timezone.now()
            upload.committed_by = by if getattr(by, "pk", None) else None
            upload.save()
    except ImportRefused:
        Upload.objects.filter(pk=upload.pk).update(
            status=Status.REJECTED if plan.errors else Status.PREVIEWED
        )
        raise
    return plan


def iter_report(plan: Plan) -> Iterator[list[str]]:
    """Rows of the error report: the original cells plus the row number, fate and reasons."""
    yield ["baris", "status", *plan.header, "alasan"]
    for fate in plan.fates:
        if fate.fate not in (Fate.ERROR, Fate.WARNING):
            continue
        cells = [text(c) for c in fate.cells]
        cells += [""] * (len(plan.header) - len(cells))
        yield [str(fate.row), fate.fate.value, *cells, "; ".join(fate.reasons)]
