"""Kemendes "Indeks Desa Membangun" per-desa files into the IDM data elements of a year.

Reads the official XLSX layout (KODE_DESA as ten undotted digits, IKS_2024 …) and the
flattened CSV (kode_desa dotted, iks_2024 …), streaming: a row is kept only as its code,
name, status and four scores. Codes absent from the region list (the 2024 file uses ~795
codes of an earlier edition) are resolved through the crosswalk (regions.crosswalk) and,
with `match_names`, by the only desa of the same name in the same kabupaten/kota; those
left over are reported in full, not fatal: refusing them would refuse the file.

Two rows can end on one desa: a row under an old code matched to a desa whose own code
also has a row. The row whose name is the desa's name keeps it; the other is left out and
reported (the 2024 file reuses some codes for other desa after a renumbering).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field, replace
from typing import IO

from django.utils.translation import gettext as _

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
from regions.codes import dotted
from regions.crosswalk import DesaNames, norm_name, stored_resolutions

STATUSES = ("MANDIRI", "MAJU", "BERKEMBANG", "TERTINGGAL", "SANGAT TERTINGGAL")
# The official status is kept as IDM_KELAS: 5 for MANDIRI down to 1 for SANGAT TERTINGGAL.
CLASS_VALUE = {status: float(5 - i) for i, status in enumerate(STATUSES)}
ELEMENTS = {"iks": "IDM_IKS", "ike": "IDM_IKE", "ikl": "IDM_IKL", "nilai_idm": "IDM_SKOR"}
SOURCE = "Kemendes IDM"
KIND = "idm"  # Upload.kind of an IDM file (command or web)
KABUPATEN_COLUMNS = ("nama_kabupaten", "nama_kab_kota", "nama_kabupaten_kota", "nama_kab")
CHUNK = 20_000


class NotIdmFile(BadFile):
    """The file lacks the columns of a Kemendes IDM file (`missing`, normalised names)."""

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


@dataclass(slots=True)
class IdmRow:
    number: int
    code: str  # as in the file (dotted)
    name: str
    province: str
    status: str
    scores: tuple[float, float, float, float]
    kabupaten: str = ""  # the file's kabupaten/kota name, if it has the column
    target: str = ""  # the desa the row is stored under ("" = none)
    how: str = ""  # how an old code was resolved


@dataclass(frozen=True, slots=True)
class Unmatched:
    row: int
    code: str
    name: str
    province: str
    status: str
    reason: str
    unknown: bool = True  # the code is in no edition we know (not a row displaced by a name)
    kabupaten: str = ""


@dataclass
class IdmPlan:
    year: int
    rows: int = 0
    entries: list[IdmRow] = field(default_factory=list)  # rows stored under `target`
    unmatched: list[Unmatched] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # row, reason
    statuses: Counter[tuple[str, str]] = field(default_factory=Counter)  # (province, status)
    new_matches: list[tuple[str, str, str]] = field(default_factory=list)  # old, name, new
    outside: int = 0  # rows of desa the importing user may not write (left alone, not listed)
    provinces: set[str] = field(default_factory=set)  # province codes of the rows considered

    @property
    def resolved(self) -> list[IdmRow]:
        """Rows stored under another code than their own, with how it was found."""
        return [r for r in self.entries if r.target != r.code]

    @property
    def value_count(self) -> int:
        return len(self.entries) * (len(ELEMENTS) + 2)  # and IDM_MAJU_MANDIRI, IDM_KELAS

    def chunks(self) -> Iterator[list[ValueInput]]:
        period = str(self.year)
        batch: list[ValueInput] = []
        for row in self.entries:
            for element, value in zip(ELEMENTS.values(), row.scores, strict=True):
                batch.append(ValueInput(row.target, element, period, value, SOURCE))
            maju = 1.0 if row.status in ("MANDIRI", "MAJU") else 0.0
            batch.append(ValueInput(row.target, "IDM_MAJU_MANDIRI", period, maju, SOURCE))
            klass = CLASS_VALUE[row.status]
            batch.append(ValueInput(row.target, "IDM_KELAS", period, klass, SOURCE))
            if len(batch) >= CHUNK:
                yield batch
                batch = []
        if batch:
            yield batch


def plan_idm(
    stream: IO[bytes],
    *,
    size: int,
    year: int | None = None,
    match_names: bool = False,
    confirmed: Collection[str] | None = None,
    allowed: Callable[[str], bool] | None = None,
) -> IdmPlan:
    """Every row's desa. With `match_names`, unknown codes are matched by name; `confirmed`
    (the web's ticked suggestions) limits those matches to the old codes in it. `allowed`
    (the web: the desa the user may import) leaves every other row out, uncounted."""
    table = open_table(stream, size=size)
    columns = {normalise_header(h): i for i, h in enumerate(table.header)}
    if year is None:
        found = [int(m[1]) for c in columns if (m := re.fullmatch(r"nilai_idm_(\d{4})", c))]
        if not found:
            raise NotIdmFile(
                _("Kolom NILAI_IDM_<tahun> tidak ada; berikan tahunnya (--year)."),
                ["nilai_idm_<tahun>"],
            )
        year = found[0]
    needed = {"kode_desa", *(f"{k}_{year}" for k in ELEMENTS), f"status_idm_{year}"}
    missing = sorted(needed - columns.keys())
    if missing:
        raise NotIdmFile(
            _("Kolom tidak ada: %(columns)s") % {"columns": ", ".join(missing)}, missing
        )
    plan = IdmPlan(year=year)
    province_col = columns.get("nama_provinsi")
    name_col = columns.get("nama_desa")
    kab_col = next((columns[c] for c in KABUPATEN_COLUMNS if c in columns), None)
    code_col, status_col = columns["kode_desa"], columns[f"status_idm_{year}"]
    score_cols = [columns[f"{k}_{year}"] for k in ELEMENTS]

    def cell(cells: list[Cell], index: int | None) -> Cell:
        return cells[index] if index is not None and index < len(cells) else None

    rows: list[IdmRow] = []
    # Province, kabupaten/kota and status repeat on every row: one string each, not one
    # per row (75,000 rows).
    common: dict[str, str] = {}
    for number, cells in table.rows:
        if all(is_blank(c) for c in cells):
            continue
        plan.rows += 1
        code = dotted(text(cell(cells, code_col)))
        status = text(cell(cells, status_col)).upper()
        province = text(cell(cells, province_col)) if province_col is not None else code[:2]
        province = common.setdefault(province, province)
        if status not in STATUSES:
            plan.skipped.append(
                (number, _("status IDM %(status)s tidak dikenal") % {"status": repr(status)})
            )
            continue
        try:
            scores = tuple(_score(cell(cells, i), table.decimal_comma) for i in score_cols)
        except BadCell as exc:
            plan.skipped.append((number, f"{code}: {exc}"))
            continue
        kabupaten = text(cell(cells, kab_col)) if kab_col is not None else ""
        kabupaten = common.setdefault(kabupaten, kabupaten)
        status = common.setdefault(status, status)
        rows.append(
            IdmRow(number, code, text(cell(cells, name_col)), province, status, scores, kabupaten)  # type: ignore[arg-type]
        )
    _resolve(plan, rows, match_names=match_names, confirmed=confirmed, allowed=allowed)
    return plan


def _score(value: Cell, decimal_comma: bool | None) -> float:
    if is_blank(value):
        raise BadCell(_("nilai kosong"))
    return parse_number(value, decimal_comma=decimal_comma)


def _resolve(
    plan: IdmPlan,
    rows: list[IdmRow],
    *,
    match_names: bool,
    confirmed: Collection[str] | None = None,
    allowed: Callable[[str], bool] | None = None,
) -> None:
    """Each row's desa: its own code, a stored crosswalk entry, or (asked for) its name."""
    desa = DesaNames()
    stored = stored_resolutions()
    claims: dict[str, list[IdmRow]] = {}
    for row in rows:
        if allowed is not None and not allowed(row.code) and row.code in desa.names:
            plan.outside += 1  # a desa of today outside the user's area
            continue
        plan.provinces.add(row.code[:2])
        if row.code in desa.kelurahan:  # the IDM elements are desa-only (save_values)
            plan.skipped.append(
                (row.number, _("%(code)s: kelurahan, IDM hanya untuk desa") % {"code": row.code})
            )
            continue
        if row.code in desa.names:
            row.target = row.code
        elif (found := stored.get(row.code)) is not None and found.code in desa.names:
            row.target = found.code
            row.how = "padanan tersimpan, cocok nama" if found.name_match else "padanan tersimpan"
        elif (
            match_names
            and (confirmed is None or row.code in confirmed)
            and (matched := desa.match(row.code, row.name)) is not None
        ):
            row.target = matched
            row.how = _("cocok nama baru")
        else:
            if allowed is not None and not allowed(row.code):
                plan.outside += 1  # an unknown code, but not of the user's area
                continue
            reason = (
                "kode tidak dikenal; nama tidak cocok dengan satu desa di kabupaten/kota ini"
                if match_names
                else _("kode tidak dikenal")
            )
            plan.unmatched.append(_left(row, reason))
            continue
        if allowed is not None and not allowed(row.target):
            plan.outside += 1  # an old code resolved to a desa outside the user's area
            continue
        claims.setdefault(row.target, []).append(row)
    for target, claimants in claims.items():
        keeper = claimants[0] if len(claimants) == 1 else _keeper(target, claimants, desa)
        for row in claimants:
            if row is keeper:
                continue
            left = _left(
                row,
                _("desa %(desa)s sudah diisi baris %(row)s yang namanya cocok")
                % {"desa": target, "row": keeper.number if keeper else "?"},
            )
            plan.unmatched.append(replace(left, unknown=row.code not in desa.names))
        if keeper is None:
            continue
        plan.entries.append(keeper)
        plan.statuses[(keeper.province, keeper.status)] += 1
        if keeper.how.startswith("cocok nama baru"):
            plan.new_matches.append((keeper.code, keeper.name, keeper.target))
    plan.entries.sort(key=lambda r: r.number)
    plan.unmatched.sort(key=lambda u: u.row)


def _keeper(target: str, claimants: list[IdmRow], desa: DesaNames) -> IdmRow | None:
    """Of several rows on one desa, the one that keeps it: the row under its own code when
    its name is the desa's name, else the only row whose name is, else its own row."""
    name = desa.names[target]
    own = next((r for r in claimants if r.code == target), None)
    if own is not None and norm_name(own.name) == name:
        return own
    named = [r for r in claimants if norm_name(r.name) == name]
    if len(named) == 1:
        return named[0]
    return own


def _left(row: IdmRow, reason: str) -> Unmatched:
    return Unmatched(
        row.number, row.code, row.name, row.province, row.status, reason, kabupaten=row.kabupaten
    )
