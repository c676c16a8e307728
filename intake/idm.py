"""Kemendes "Indeks Desa Membangun" per-desa files into the IDM data elements of a year.

Reads the official XLSX layout (KODE_DESA as ten undotted digits, IKS_2024 …) and the
flattened CSV (kode_desa dotted, iks_2024 …). Codes absent from the region list (the 2024
file uses ~795 codes that the 2025 list no longer has) are reported, not fatal: they are
data about desa this installation does not know, and refusing them would refuse the file.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import IO

from datavalues.writing import ValueInput
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
from regions.models import Kind, Level, Region

STATUSES = ("MANDIRI", "MAJU", "BERKEMBANG", "TERTINGGAL", "SANGAT TERTINGGAL")
ELEMENTS = {"iks": "IDM_IKS", "ike": "IDM_IKE", "ikl": "IDM_IKL", "nilai_idm": "IDM_SKOR"}


@dataclass
class IdmPlan:
    year: int
    values: list[ValueInput] = field(default_factory=list)
    rows: int = 0
    unmatched: list[tuple[str, str, str]] = field(default_factory=list)  # code, province, status
    skipped: list[tuple[int, str]] = field(default_factory=list)  # row, reason
    statuses: Counter[tuple[str, str]] = field(default_factory=Counter)  # (province, status)


def _dotted(code: str) -> str:
    digits = re.sub(r"\D", "", code)
    if len(digits) == 10 and "." not in code:
        return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"
    return code.strip()


def plan_idm(stream: IO[bytes], *, size: int, year: int | None = None) -> IdmPlan:
    table = open_table(stream, size=size)
    columns = {normalise_header(h): i for i, h in enumerate(table.header)}
    if year is None:
        found = [int(m[1]) for c in columns if (m := re.fullmatch(r"nilai_idm_(\d{4})", c))]
        if not found:
            raise BadFile(
                "Kolom NILAI_IDM_<tahun> tidak ada; berikan --year. / No NILAI_IDM_<year> column."
            )
        year = found[0]
    needed = {"kode_desa", *(f"{k}_{year}" for k in ELEMENTS), f"status_idm_{year}"}
    missing = sorted(needed - columns.keys())
    if missing:
        raise BadFile(f"Kolom tidak ada / missing columns: {', '.join(missing)}")
    plan = IdmPlan(year=year)
    province_col = columns.get("nama_provinsi")
    rows: list[tuple[int, str, str, str, list[Cell]]] = []

    def cell(cells: list[Cell], name: str) -> Cell:
        index = columns[name]
        return cells[index] if index < len(cells) else None

    for number, cells in table.rows:
        if all(is_blank(c) for c in cells):
            continue
        plan.rows += 1
        code = _dotted(text(cell(cells, "kode_desa")))
        status = text(cell(cells, f"status_idm_{year}")).upper()
        province = text(cells[province_col]) if province_col is not None else code[:2]
        rows.append((number, code, status, province, cells))
    known: dict[str, str] = {}  # desa code → kind
    codes = sorted({r[1] for r in rows})
    for start in range(0, len(codes), 900):
        known.update(
            Region.objects.filter(
                code__in=codes[start : start + 900], level=Level.DESA
            ).values_list("code", "kind")
        )
    period = str(year)
    for number, code, status, province, cells in rows:
        if code not in known:
            plan.unmatched.append((code, province, status))
            continue
        if known[code] == Kind.KELURAHAN:  # the IDM elements are desa-only (save_values)
            plan.skipped.append((number, f"{code}: kelurahan, IDM hanya untuk desa / desa only"))
            continue
        if status not in STATUSES:
            plan.skipped.append((number, f"status IDM {status!r} tidak dikenal / unknown status"))
            continue
        scores: dict[str, float] = {}
        try:
            for key, element in ELEMENTS.items():
                value = cell(cells, f"{key}_{year}")
                if is_blank(value):
                    raise BadCell("nilai kosong / empty value")
                scores[element] = parse_number(value, decimal_comma=table.decimal_comma)
        except BadCell as exc:
            plan.skipped.append((number, f"{code}: {exc}"))
            continue
        plan.statuses[(province, status)] += 1
        for element, value in scores.items():
            plan.values.append(ValueInput(code, element, period, value, "Kemendes IDM"))
        plan.values.append(
            ValueInput(
                code,
                "IDM_MAJU_MANDIRI",
                period,
                1.0 if status in ("MANDIRI", "MAJU") else 0.0,
                "Kemendes IDM",
            )
        )
    return plan
