"""APBDes budget lines from a Siskeudes-style export (CSV/XLSX) into planning.BudgetLine.

Columns (case and spacing ignored): kode_desa (or kode_wilayah), tahun (or --year),
kode_kegiatan (`2.2.02`), nama_kegiatan, sumber_dana (DD, ADD, PAD, BHPR, BANKEU or
"bantuan keuangan", LAIN), anggaran, realisasi (empty: not reported yet). Like a values
file: every row checked first, then all rows written in one transaction or none; rows equal
to the stored line are left alone, so a re-import changes nothing. The sector of a line
follows from its sub-bidang (planning/budget_sectors.yaml, DOMAIN.md 3.2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction

from intake.importing import Problem
from intake.parsing import (
    BadCell,
    Cell,
    is_blank,
    normalise_header,
    open_table,
    parse_number,
    text,
)
from planning.budget_sectors import sector_of
from planning.models import BudgetLine, FundSource, Stage
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


@dataclass
class ApbdesPlan:
    lines: list[Line] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

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


def plan_apbdes(
    stream: IO[bytes], *, size: int, year: int | None = None, stage: str = Stage.FINAL
) -> ApbdesPlan:
    table = open_table(stream, size=size)
    columns = {normalise_header(h): i for i, h in enumerate(table.header)}
    plan = ApbdesPlan()
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
    codes = {text(cells[desa_index]) for _n, cells in raw if desa_index < len(cells)}
    kinds = dict(
        Region.objects.filter(code__in=codes, level=Level.DESA).values_list("code", "kind")
    )
    seen: dict[tuple[str, int, str, str], int] = {}
    for number, cells in raw:
        desa = text(cells[desa_index]) if desa_index < len(cells) else ""
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
