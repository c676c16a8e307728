"""APBDes budget lines from a Siskeudes-style export (CSV/XLSX) into planning.BudgetLine.

Columns (case and spacing ignored): kode_desa (or kode_wilayah), tahun (or --year),
kode_kegiatan (`2.2.02`), nama_kegiatan, sumber_dana (DD, ADD, PAD, BHPR, BANKEU or
"bantuan keuangan", LAIN), anggaran, realisasi (empty: not reported yet). Like a values
file: every row checked first, then all rows written in one transaction or none; rows equal
to the stored line are left alone, so a re-import changes nothing. The sector of a line
follows from its sub-bidang (planning/budget_sectors.yaml, DOMAIN.md 3.2).

On the web (intake/budget_views.py) the same plan is scoped to the desa the user may write,
every row gets its fate against the stored lines (`attach_fates`: new, changed old → new,
unchanged, error) and `commit_upload` re-plans the stored file at confirm time and writes it
all in one transaction with the upload record and its audit event (the upload lifecycle,
intake.lifecycle), or nothing.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction

from accounts.scoping import Scope, scope_of
from intake import lifecycle, retention
from intake.importing import Fate, Problem, RowFate
from intake.models import Upload
from intake.parsing import (
    BadCell,
    BadFile,
    Cell,
    is_blank,
    normalise_header,
    open_table,
    parse_number,
    text,
)
from planning.budget_sectors import sector_of
from planning.models import BudgetLine, FundSource, Stage
from regions.crosswalk import OldCode, OldCodes
from regions.models import Kind, Level, Region

_KEGIATAN = re.compile(r"^[1-5]\.[0-9]{1,2}\.[0-9]{2}$")
_SOURCES = {
    "dd": FundSource.DD,
    "danadesa": FundSource.DD,
    "add": FundSource.ADD,
    "alokasidanadesa": FundSource.ADD,
    "pad": FundSource.PAD,
    "pendapatanaslidesa": FundSource.PAD,
    "bhpr": FundSource.BHPR,
    "bhp": FundSource.BHPR,
    "bankeu": FundSource.BANKEU,
    "bantuankeuangan": FundSource.BANKEU,
    "bantuankeuanganprovinsi": FundSource.BANKEU,
    "bantuankeuangankabupaten": FundSource.BANKEU,
    "lain": FundSource.OTHER,
    "lainlain": FundSource.OTHER,
}
SOURCE = "siskeudes"
KIND = "apbdes"  # Upload.kind of a budget file sent on the web


@dataclass
class Line:
    row: int
    desa: str
    year: int
    kegiatan: str
    name: str
    fund: str
    budget: int
    realised: int | None
    # The stored line (name, budget, realised), filled by `attach_fates`.
    old: tuple[str, int, int | None] | None = None


@dataclass
class ApbdesPlan:
    lines: list[Line] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    header: list[str] = field(default_factory=list)
    cells: dict[int, list[Cell]] = field(default_factory=dict)  # row number → original cells
    fates: list[RowFate] = field(default_factory=list)  # by `attach_fates`
    # Rows whose desa code is a code of an earlier edition: row → (old code, today's code).
    old_codes: dict[int, tuple[str, str]] = field(default_factory=dict)

    def region_code(self) -> str:
        """The desa of every line, or their common kecamatan, or "" (for the audit log)."""
        desa = {line.desa for line in self.lines}
        if len(desa) == 1:
            return desa.pop()
        kecamatan = {code.rsplit(".", 1)[0] for code in desa}
        return kecamatan.pop() if len(kecamatan) == 1 else ""

    def sectors(self) -> dict[str, int]:
        """Lines per sector of their sub-bidang ("-" for none, e.g. 1.x government)."""
        counts: dict[str, int] = {}
        for line in self.lines:
            key = sector_of(line.kegiatan) or "-"
            counts[key] = counts.get(key, 0) + 1
        return counts


def _rupiah(
    cell: Cell, column: str, row: int, plan: ApbdesPlan, decimal: bool | None
) -> int | None:
    try:
        value = parse_number(cell, decimal_comma=decimal)
    except BadCell as exc:
        plan.problems.append(Problem(row, column, str(exc)))
        return None
    if value < 0 or value != int(value):
        plan.problems.append(
            Problem(row, column, f"{value:g}: harus rupiah bulat ≥ 0 / whole rupiah ≥ 0")
        )
        return None
    return int(value)


def _may_write(scope: Scope | None, code: str) -> bool:
    """A desa's budget spans every sector: only a writer of all of them may import it."""
    return scope is None or scope.may_write(code)  # None: a command run by the operator


def plan_apbdes(
    stream: IO[bytes],
    *,
    size: int,
    year: int | None = None,
    stage: str = Stage.FINAL,
    scope: Scope | None = None,
) -> ApbdesPlan:
    """Check every row; `scope` (None for a command) limits the desa that may be written."""
    table = open_table(stream, size=size)
    columns = {normalise_header(h): i for i, h in enumerate(table.header)}
    plan = ApbdesPlan(header=list(table.header))
    desa_col = columns.get("kode_desa", columns.get("kode_wilayah"))
    for needed in ("kode_kegiatan", "nama_kegiatan", "sumber_dana", "anggaran"):
        if needed not in columns:
            plan.problems.append(Problem(1, needed, "kolom tidak ada / missing column"))
    if desa_col is None:
        plan.problems.append(Problem(1, "kode_desa", "kolom tidak ada / missing column"))
    if "tahun" not in columns and year is None:
        plan.problems.append(Problem(1, "tahun", "kolom tahun tidak ada; beri --year"))
    if plan.problems or desa_col is None:
        return plan
    desa_index: int = desa_col

    def cell(cells: list[Cell], name: str) -> Cell:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    raw: list[tuple[int, list[Cell]]] = []
    for number, cells in table.rows:
        if all(is_blank(c) for c in cells):
            continue
        plan.rows += 1
        raw.append((number, cells))
        plan.cells[number] = cells
    old_codes = OldCodes()
    resolved: dict[int, str] = {}  # row → desa code of today, or "" for a refused old code
    for number, cells in raw:
        given = text(cells[desa_index]) if desa_index < len(cells) else ""
        old = old_codes.resolve(given) if given else None
        if old is None:
            resolved[number] = given
        elif old.problem:
            plan.problems.append(Problem(number, "kode_desa", old.problem))
            resolved[number] = ""
        else:
            plan.old_codes[number] = (given, old.code)
            resolved[number] = old.code
    codes = set(resolved.values()) - {""}
    kinds = dict(
        Region.objects.current()
        .filter(code__in=codes, level=Level.DESA)
        .values_list("code", "kind")
    )
    seen: dict[tuple[str, int, str, str], int] = {}
    for number, cells in raw:
        desa = resolved[number]
        if not desa:
            continue  # an old code that cannot be resolved: said above
        if desa not in kinds:
            plan.problems.append(
                Problem(number, "kode_desa", f"{desa!r} bukan kode desa / unknown")
            )
            continue
        if kinds[desa] == Kind.KELURAHAN:
            plan.problems.append(
                Problem(number, "kode_desa", f"{desa} kelurahan: tidak punya APBDes / no APBDes")
            )
            continue
        if not _may_write(scope, desa):
            plan.problems.append(
                Problem(
                    number,
                    "kode_desa",
                    f"{desa} di luar wilayah yang boleh Anda isi / outside your scope",
                )
            )
            continue
        try:
            line_year = int(parse_number(cell(cells, "tahun"))) if "tahun" in columns else year
        except BadCell as exc:
            plan.problems.append(Problem(number, "tahun", str(exc)))
            continue
        assert line_year is not None
        kegiatan = text(cell(cells, "kode_kegiatan"))
        if not _KEGIATAN.match(kegiatan):
            plan.problems.append(
                Problem(
                    number, "kode_kegiatan", f"{kegiatan!r}: bentuknya mis. 2.2.02 / e.g. 2.2.02"
                )
            )
            continue
        fund = _SOURCES.get(re.sub(r"[^a-z]", "", text(cell(cells, "sumber_dana")).lower()))
        if fund is None:
            plan.problems.append(
                Problem(
                    number,
                    "sumber_dana",
                    f"{text(cell(cells, 'sumber_dana'))!r}: DD, ADD, PAD, BHPR, BANKEU atau LAIN",
                )
            )
            continue
        budget = _rupiah(cell(cells, "anggaran"), "anggaran", number, plan, table.decimal_comma)
        realised_cell = cell(cells, "realisasi")
        realised = (
            None
            if is_blank(realised_cell)
            else _rupiah(realised_cell, "realisasi", number, plan, table.decimal_comma)
        )
        if budget is None or (realised is None and not is_blank(realised_cell)):
            continue
        key = (desa, line_year, kegiatan, fund.value)
        if key in seen:
            plan.problems.append(
                Problem(number, "kode_kegiatan", f"ganda dengan baris {seen[key]} / duplicate")
            )
            continue
        seen[key] = number
        name = text(cell(cells, "nama_kegiatan"))[:300]
        plan.lines.append(
            Line(number, desa, line_year, kegiatan, name, fund.value, budget, realised)
        )
    return plan


def write_apbdes(plan: ApbdesPlan, *, stage: str = Stage.FINAL) -> None:
    """Upsert every line in one transaction (the caller checked there are no problems)."""
    if plan.problems:
        raise ValueError("plan has problems")
    with transaction.atomic():
        stored = {
            (b.desa_id, b.year, b.kegiatan_code, b.fund_source): b
            for b in BudgetLine.objects.filter(
                desa_id__in={line.desa for line in plan.lines},
                year__in={line.year for line in plan.lines},
                stage=stage,
            )
        }
        to_create: list[BudgetLine] = []
        to_update: list[BudgetLine] = []
        plan.unchanged = 0
        for line in plan.lines:
            current = stored.get((line.desa, line.year, line.kegiatan, line.fund))
            if current is None:
                to_create.append(
                    BudgetLine(
                        desa_id=line.desa,
                        year=line.year,
                        stage=stage,
                        kegiatan_code=line.kegiatan,
                        name=line.name,
                        fund_source=line.fund,
                        budget_rp=line.budget,
                        realised_rp=line.realised,
                        source=SOURCE,
                    )
                )
            elif (current.name, current.budget_rp, current.realised_rp) != (
                line.name,
                line.budget,
                line.realised,
            ):
                current.name, current.budget_rp, current.realised_rp = (
                    line.name,
                    line.budget,
                    line.realised,
                )
                current.source = SOURCE
                to_update.append(current)
            else:
                plan.unchanged += 1
        BudgetLine.objects.bulk_create(to_create, batch_size=2000)
        BudgetLine.objects.bulk_update(
            to_update, ["name", "budget_rp", "realised_rp", "source", "updated_at"], batch_size=2000
        )
        plan.created, plan.updated = len(to_create), len(to_update)


def _rp(amount: int | None) -> str:
    """Whole rupiah with Indonesian thousands dots (`45.000.000`); "—" for none."""
    return "—" if amount is None else f"{amount:,}".replace(",", ".")


def attach_fates(plan: ApbdesPlan, *, stage: str) -> None:
    """Every row's fate against the stored lines: new, changed (old → new), unchanged, error."""
    stored = {
        (b.desa_id, b.year, b.kegiatan_code, b.fund_source): (b.name, b.budget_rp, b.realised_rp)
        for b in BudgetLine.objects.filter(
            desa_id__in={line.desa for line in plan.lines},
            year__in={line.year for line in plan.lines},
            stage=stage,
        )
    }
    lines = {line.row: line for line in plan.lines}
    reasons: dict[int, list[str]] = {}
    for problem in plan.problems:
        reasons.setdefault(problem.row, []).append(f"{problem.column}: {problem.message}")
    plan.created = plan.updated = plan.unchanged = 0
    plan.fates = []
    for number in sorted(plan.cells):
        line = lines.get(number)
        changes: list[str] = []
        if line is None:
            fate = Fate.ERROR
        else:
            line.old = stored.get((line.desa, line.year, line.kegiatan, line.fund))
            if line.old is None:
                fate = Fate.NEW
                plan.created += 1
            elif line.old == (line.name, line.budget, line.realised):
                fate = Fate.UNCHANGED
                plan.unchanged += 1
            else:
                fate = Fate.CHANGED
                plan.updated += 1
                old_name, old_budget, old_realised = line.old
                if old_name != line.name:
                    changes.append(f"nama: {old_name} → {line.name}")
                if old_budget != line.budget:
                    changes.append(f"anggaran: {_rp(old_budget)} → {_rp(line.budget)}")
                if old_realised != line.realised:
                    changes.append(f"realisasi: {_rp(old_realised)} → {_rp(line.realised)}")
        plan.fates.append(
            RowFate(
                row=number,
                fate=fate,
                cells=plan.cells[number],
                reasons=reasons.get(number, []),
                changes=changes,
                notes=[_old_code_note(*plan.old_codes[number])] if number in plan.old_codes else [],
            )
        )


def _old_code_note(old: str, new: str) -> str:
    return OldCode(old, new).note


def upload_options(upload: Upload) -> tuple[int | None, str]:
    """The year (None: from the file's `tahun` column) and stage chosen when sending."""
    year = upload.period
    stage = Stage.DRAFT if upload.budget_stage == Stage.DRAFT else Stage.FINAL
    return (int(year) if year.isdigit() else None), stage


def plan_upload(upload: Upload, *, by: Any) -> ApbdesPlan:
    """Plan the stored file of an upload for `by`, with every row's fate."""
    year, stage = upload_options(upload)
    try:
        plan = plan_apbdes(
            io.BytesIO(retention.content_of(upload)),
            size=upload.size,
            year=year,
            stage=stage,
            scope=scope_of(by),
        )
    except BadFile as exc:
        return ApbdesPlan(problems=[Problem(0, "", str(exc))])
    attach_fates(plan, stage=stage)
    return plan


def tally(plan: ApbdesPlan) -> lifecycle.Tally:
    return lifecycle.Tally(
        rows=plan.rows,
        created=plan.created,
        updated=plan.updated,
        unchanged=plan.unchanged,
        errors=len(plan.problems),
        message=plan.problems[0].message if plan.problems else "",
    )


def record_plan(upload: Upload, plan: ApbdesPlan) -> None:
    lifecycle.record_plan(upload, tally(plan))


class BudgetImportRefused(ValueError):
    def __init__(self, plan: ApbdesPlan, message: str) -> None:
        self.plan = plan
        super().__init__(message)


def commit_upload(upload: Upload, *, by: Any, request: Any = None) -> ApbdesPlan:
    """Re-plan the stored file (lines may have changed since the preview) and write all of
    it with the upload record and the audit event in one transaction, or nothing if any
    row has a problem."""
    plan = plan_upload(upload, by=by)
    if plan.problems or not plan.lines:
        lifecycle.refuse(upload, rejected=True)
        raise BudgetImportRefused(
            plan,
            f"{len(plan.problems)} galat; tidak ada yang disimpan / "
            f"{len(plan.problems)} errors, nothing written"
            if plan.problems
            else "berkas tanpa baris anggaran / the file has no budget lines",
        )
    _year, stage = upload_options(upload)
    lifecycle.confirm(
        upload,
        tally(plan),
        by=by,
        write=lambda: write_apbdes(plan, stage=stage),
        audit=lambda: _audit_import(upload, plan, by=by, request=request),
    )
    return plan


def _audit_import(upload: Upload, plan: ApbdesPlan, *, by: Any, request: Any) -> None:
    from accounts import audit
    from accounts.models import Action

    audit.record(
        Action.IMPORT,
        request=request,
        user=by if getattr(by, "pk", None) else None,
        region_code=plan.region_code(),
        summary=f"impor APBDes {upload.file_name}: {plan.created} baru, "
        f"{plan.updated} berubah, {plan.unchanged} tetap",
        detail={
            "upload": upload.pk,
            "kind": KIND,
            "sha256": upload.sha256,
            "stage": upload_options(upload)[1],
            "desa": sorted({line.desa for line in plan.lines}),
        },
    )


def iter_report(plan: ApbdesPlan) -> Iterator[list[str]]:
    """Rows of the error report: the original cells plus the row number, fate and reasons."""
    yield ["baris", "status", *plan.header, "alasan"]
    for fate in plan.fates:
        if fate.fate != Fate.ERROR:
            continue
        cells = [text(c) for c in fate.cells]
        cells += [""] * (len(plan.header) - len(cells))
        yield [str(fate.row), fate.fate.value, *cells, "; ".join(fate.reasons)]
    for problem in plan.problems:
        if problem.row <= 1:  # the file as a whole: header or format
            yield [str(problem.row), Fate.ERROR.value, *[""] * len(plan.header), problem.message]


def preview_rows(plan: ApbdesPlan) -> list[tuple[RowFate, str]]:
    """Each row's fate with the sector of its kegiatan ("" for none or an error row)."""
    sectors = {line.row: sector_of(line.kegiatan) or "" for line in plan.lines}
    return [(fate, sectors.get(fate.row, "")) for fate in plan.fates]
