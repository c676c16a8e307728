"""OpenSID: the penduduk export → population by five-year age group and sex of one desa.

Layout read (docs/SOURCES.md), from OpenSID's own code (github.com/OpenSID/OpenSID,
`Penduduk::ekspor` writes `Impor_model::$daftar_kolom` as the header row, then one row per
person from `Ekspor_model::expor`): alamat, dusun, rw, rt, nama, no_kk, nik, sex,
tempatlahir, tanggallahir (Y-m-d), agama_id, …, status_dasar, …. Codes are numeric
(sex 1 = laki-laki, 2 = perempuan; status_dasar 1 = hidup) or, in the "huruf" export,
their names (LAKI-LAKI, PEREMPUAN, HIDUP, MATI, PINDAH, …).

The export does not say which desa it is from: the operator names it (`--desa`). Ages are
counted on 31 December of the period year, or today for the current year. Only the living
residents (status_dasar hidup, or no status column) are counted.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from django.utils.translation import gettext as _

from intake.parsing import BadCell, BadFile, Table, is_blank, text
from sources.aggregate import (
    Aggregate,
    Options,
    Place,
    cell_at,
    find_header,
    parse_date,
    year_of,
)

KIND = "opensid"
SOURCE = "OpenSID"
COLUMNS = {
    "sex": ("sex", "Jenis Kelamin", "JK"),
    "lahir": ("tanggallahir", "Tanggal Lahir", "tgl_lahir"),
    "status": ("status_dasar", "Status Dasar"),
}
REQUIRED = ("sex", "lahir")
MALE = {"1", "L", "LK", "LAKI-LAKI", "LAKI LAKI"}
FEMALE = {"2", "P", "PR", "PEREMPUAN"}
LIVING = {"", "1", "HIDUP"}
GONE = {"2", "3", "4", "6", "9", "MATI", "PINDAH", "HILANG", "PERGI", "TIDAK VALID"}
GROUPS = [(low, low + 4) for low in range(0, 75, 5)]
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def group_code(sex: str, years: int) -> str:
    if years >= 75:
        return f"PDDK_{sex}_75_PLUS"
    low = years // 5 * 5
    return f"PDDK_{sex}_{low}_{low + 4}"


def element_codes() -> list[str]:
    return [
        *(f"PDDK_{s}_{lo}_{hi}" for s in "LP" for lo, hi in GROUPS),
        "PDDK_L_75_PLUS",
        "PDDK_P_75_PLUS",
        "PENDUDUK_JUMLAH",
        "PDDK_5_6",
        "PDDK_7_15",
        "PDDK_7_18",
    ]


def reference_date(period: str, today: date) -> date:
    return today if int(period) >= today.year else date(int(period), 12, 31)


def read(table: Table, options: Options) -> Aggregate:
    table, columns = find_header(table, COLUMNS, required=REQUIRED)
    if not options.desa:
        raise BadFile(
            "Ekspor penduduk OpenSID tidak menyebut desanya: berikan --desa KODE. / "
            "An OpenSID export does not name its desa: give --desa CODE."
        )
    period = year_of(options)
    on = reference_date(period, options.today)
    place = Place(code=options.desa)
    result = Aggregate(kind=KIND, source=SOURCE)
    sex_col, born_col, status_col = columns["sex"], columns["lahir"], columns.get("status")
    # Ages by birth date text: a desa's residents share far fewer dates than rows.
    ages: dict[str, int] = {}
    counts: Counter[tuple[str, int]] = Counter()
    left_out = 0
    first = last = 0
    for number, cells in table.rows:
        if all(is_blank(c) for c in cells):
            continue
        result.rows += 1
        first = first or number
        last = number
        status = text(cell_at(cells, status_col)).upper()
        if status not in LIVING:
            if status in GONE:
                left_out += 1
            else:
                result.error(number, "status_dasar", _("status tidak dikenal"))
            continue
        sex_text = text(cell_at(cells, sex_col)).upper()
        sex = "L" if sex_text in MALE else "P" if sex_text in FEMALE else ""
        if not sex:
            result.error(number, "sex", _("jenis kelamin harus 1/2 atau L/P"))
        born_cell = cell_at(cells, born_col)
        key = born_cell if isinstance(born_cell, str) else repr(born_cell)
        years = ages.get(key)
        if years is None:
            years = _age(born_cell, on)
            ages[key] = years
        if years < 0:
            message = (
                _("tanggal lahir kosong atau tidak terbaca")
                if years == -1
                else _("tanggal lahir sesudah tanggal acuan")
            )
            result.error(number, "tanggallahir", message)
            continue
        if sex:
            counts[(sex, years)] += 1
    if left_out:
        result.notes.append(
            _("%(n)d baris: penduduk tidak hidup/pindah, tidak dihitung") % {"n": left_out}
        )
    if result.errors:
        return result
    for code in element_codes():
        result.values[(place, code, period)] = 0.0
    for (sex, years), count in counts.items():
        result.count(place, period, group_code(sex, years), count)
        result.count(place, period, "PENDUDUK_JUMLAH", count)
        if 5 <= years <= 6:
            result.count(place, period, "PDDK_5_6", count)
        if 7 <= years <= 15:
            result.count(place, period, "PDDK_7_15", count)
        if 7 <= years <= 18:
            result.count(place, period, "PDDK_7_18", count)
    if first:
        result.first_rows[(place, period)] = (first, last)
    return result


def _age(cell: object, on: date) -> int:
    """Completed years on `on`; -1 for an unreadable date, -2 for one after `on`."""
    if isinstance(cell, str) and (match := _ISO.match(cell.strip())):
        try:
            born = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return -1
    else:
        try:
            born = parse_date(cell)  # type: ignore[arg-type]
        except BadCell:
            return -1
    if born > on:
        return -2
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years
