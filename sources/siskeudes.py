"""Siskeudes (BPKP/Kemendagri): the RAB detail lines of a desa's APBDes → the APBDes lines
(kegiatan × fund source) of the budget import (intake.apbdes).

Layout read (docs/SOURCES.md): Siskeudes 2.0 keeps the budget detail in table Ta_RABRinci,
exported from "Data Entri › Penganggaran" or its database: Tahun, Kd_Desa, Kd_Keg,
Kd_Rincian, No_Urut, SumberDana, Uraian, JmlSatuan, Satuan, HrgSatuan, Anggaran (plus
Nama_Kegiatan where the export joins Ta_Kegiatan). Kd_Keg ends with the bidang, sub-bidang
and kegiatan numbers of Permendagri 20/2018 (`….02.02.01.` → kegiatan 2.2.01); Kd_Desa
is Siskeudes' own numbering, so the operator names the desa (`--desa`). Only spending
lines (Kd_Rincian 5.…) belong to a kegiatan; income (4.…) and financing (6.…) lines are
left out and counted in a note.

Fund sources (SumberDana): DDS → DD, ADD → ADD, PAD → PAD, PBH → BHPR, PBK and PBP →
BANKEU, any other (SWD, DLL, …) → LAIN. The rupiah of the lines of one kegiatan and fund
source are summed.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from intake.parsing import BadCell, BadFile, Table, is_blank, parse_number, text
from sources.aggregate import SourceProblem, cell_at, find_header

KIND = "siskeudes"
SOURCE = "Siskeudes"
COLUMNS = {
    "kegiatan": ("Kd_Keg", "Kode Kegiatan", "Kd Keg"),
    "sumber": ("SumberDana", "Sumber Dana", "Sumber"),
    "anggaran": ("Anggaran", "Jumlah", "Nilai"),
    "rincian": ("Kd_Rincian", "Kode Rincian", "Kd Rincian"),
    "tahun": ("Tahun",),
    "nama": ("Nama_Kegiatan", "Nama Kegiatan"),
}
REQUIRED = ("kegiatan", "sumber", "anggaran")
FUNDS = {"DDS": "DD", "DD": "DD", "ADD": "ADD", "PAD": "PAD", "PBH": "BHPR", "PBK": "BANKEU"}
FUNDS["PBP"] = "BANKEU"


@dataclass
class Budget:
    """The APBDes lines of one desa, summed from the RAB detail."""

    kind: str
    source: str
    desa: str
    rows: int = 0
    lines: dict[tuple[int, str, str], int] = field(default_factory=dict)  # year, keg, fund
    names: dict[tuple[int, str], str] = field(default_factory=dict)
    errors: list[SourceProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(SourceProblem(row, column, message))

    def to_csv(self) -> bytes:
        """The lines in the layout of `importapbdes` (intake/apbdes.py)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            ["kode_desa", "tahun", "kode_kegiatan", "nama_kegiatan", "sumber_dana", "anggaran"]
        )
        for (year, kegiatan, fund), rupiah in sorted(self.lines.items()):
            name = self.names.get((year, kegiatan)) or f"Kegiatan {kegiatan}"
            writer.writerow([self.desa, year, kegiatan, name, fund, rupiah])
        return out.getvalue().encode("utf-8")


def kegiatan_code(raw: str) -> str:
    """`01.01.02.02.01.` → `2.2.01` (the last three numbers: bidang, sub-bidang, kegiatan)."""
    parts = [p for p in re.split(r"\D+", raw) if p]
    if len(parts) < 3:
        return ""
    bidang, sub, kegiatan = (int(p) for p in parts[-3:])
    if not 1 <= bidang <= 5 or sub > 99 or kegiatan > 99:
        return ""
    return f"{bidang}.{sub}.{kegiatan:02d}"


def read(table: Table, desa: str, year: str) -> Budget:
    table, columns = find_header(table, COLUMNS, required=REQUIRED)
    if not desa:
        raise BadFile(
            "Kd_Desa Siskeudes bukan kode Kemendagri: berikan --desa KODE. / "
            "Siskeudes desa numbers are not Kemendagri codes: give --desa CODE."
        )
    if "tahun" not in columns and not year:
        raise BadFile(_("Kolom Tahun tidak ada; berikan --period TAHUN."))
    budget = Budget(kind=KIND, source=SOURCE, desa=desa)
    left_out: Counter[str] = Counter()
    for number, cells in table.rows:
        if all(is_blank(c) for c in cells):
            continue
        budget.rows += 1
        rincian = text(cell_at(cells, columns.get("rincian")))
        if rincian and not rincian.startswith("5"):
            left_out[rincian.split(".")[0]] += 1
            continue
        raw_year = text(cell_at(cells, columns.get("tahun"))) or year
        if not re.fullmatch(r"\d{4}", raw_year):
            budget.error(number, "Tahun", _("%(year)s bukan tahun") % {"year": repr(raw_year)})
            continue
        kegiatan = kegiatan_code(text(cell_at(cells, columns["kegiatan"])))
        if not kegiatan:
            budget.error(number, "Kd_Keg", _("kode kegiatan tidak terbaca"))
            continue
        fund_code = re.sub(r"[^A-Z]", "", text(cell_at(cells, columns["sumber"])).upper())
        if not fund_code:
            budget.error(number, "SumberDana", _("sumber dana kosong"))
            continue
        try:
            rupiah = parse_number(cell_at(cells, columns["anggaran"]), decimal_comma=None)
        except BadCell as exc:
            budget.error(number, "Anggaran", str(exc))
            continue
        if rupiah < 0 or rupiah != int(rupiah):
            budget.error(number, "Anggaran", f"{rupiah:g}: harus rupiah bulat ≥ 0")
            continue
        key = (int(raw_year), kegiatan, FUNDS.get(fund_code, "LAIN"))
        budget.lines[key] = budget.lines.get(key, 0) + int(rupiah)
        name = text(cell_at(cells, columns.get("nama")))
        if name:
            budget.names.setdefault((int(raw_year), kegiatan), name)
    if left_out:
        listed = ", ".join(f"{k}.… {n}" for k, n in sorted(left_out.items()))
        budget.notes.append(f"baris bukan belanja (pendapatan/pembiayaan) dilewati: {listed}")
    return budget
