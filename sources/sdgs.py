"""SDGs Desa (Kemendes): the per-desa score recap → the score of each of the 18 goals.

Layout read (docs/SOURCES.md): the SDGs Desa recap per desa (Permendesa PDTT 21/2020 on
the 18 goals of SDGs Desa; the Kemendes SDGs Desa dashboard): Kode Desa (ten digits or
dotted), Nama Desa, one column per goal (`SDGs 1` … `SDGs 18`, also written `Tujuan 1` or
`Skor SDGs 1`), and the overall score (`Skor SDGs Desa`). Scores are 0–100. A goal left
empty is not stored; a score out of range refuses the file.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from intake.parsing import BadCell, BadFile, Table, is_blank, normalise_header, parse_number
from sources.aggregate import (
    Aggregate,
    Options,
    cell_at,
    find_columns,
    place_of,
    require_place_columns,
    year_of,
)

KIND = "sdgs"
SOURCE = "SDGs Desa"
COLUMNS = {
    "kode_desa": ("Kode Desa", "Kode Wilayah", "KODE_DESA"),
    "desa": ("Nama Desa", "Desa"),
    "skor": ("Skor SDGs Desa", "Nilai SDGs Desa", "Skor SDGs", "Skor Total", "Total"),
}
_GOAL = re.compile(r"^(?:skor_|nilai_)?(?:sdgs|tujuan|goal)_?(?:desa_)?(?:ke_?)?(\d{1,2})$")


def goal_columns(header: list[str]) -> dict[int, int]:
    found: dict[int, int] = {}
    for index, name in enumerate(header):
        match = _GOAL.match(normalise_header(name).replace("__", "_"))
        if match and 1 <= int(match[1]) <= 18:
            found.setdefault(int(match[1]), index)
    return found


def read(table: Table, options: Options) -> Aggregate:
    columns = find_columns(table.header, COLUMNS, required=())
    require_place_columns(columns, options)
    goals = goal_columns(table.header)
    if not goals and "skor" not in columns:
        raise BadFile(_("Tidak ada kolom skor SDGs (SDGs 1 … SDGs 18, Skor SDGs Desa)."))
    period = year_of(options)
    wanted = [(f"SDGS_{goal:02d}", f"SDGs {goal}", index) for goal, index in sorted(goals.items())]
    if "skor" in columns:
        wanted.append(("SDGS_SKOR", table.header[columns["skor"]], columns["skor"]))
    result = Aggregate(kind=KIND, source=SOURCE)
    rows_of: dict[object, int] = {}
    for number, cells in table.rows:
        if all(is_blank(c) for c in cells):
            continue
        result.rows += 1
        place = place_of(cells, columns, options)
        if place is None:
            result.error(number, "Kode Desa", _("desa kosong"))
            continue
        if place in rows_of:
            result.error(
                number,
                "Kode Desa",
                _("desa sudah ada di baris %(first)d") % {"first": rows_of[place]},
            )
            continue
        rows_of[place] = number
        for element, column, index in wanted:
            value = cell_at(cells, index)
            if is_blank(value):
                continue
            try:
                score = parse_number(value, decimal_comma=table.decimal_comma)
            except BadCell as exc:
                result.error(number, column, str(exc))
                continue
            if not 0 <= score <= 100:
                result.error(number, column, _("%(value)s di luar 0–100") % {"value": f"{score:g}"})
                continue
            result.values[(place, element, period)] = score
        result.seen(place, period, number)
    return result
