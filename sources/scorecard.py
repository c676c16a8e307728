"""Scorecard Konvergensi Desa (Kemendes; KPM cadres, eHDW): the convergence level of the
stunting service packages → services received and due, per desa and year.

Layout read (docs/SOURCES.md): table 4 "Tingkat Konvergensi Desa" of the quarterly
scorecard, as the Kemendes KPM guidance defines it and OpenSID implements it
(resources/views/admin/stunting/scorcard-konvergensi-desa.blade.php): one row per target
group (Ibu Hamil; Anak 0–23 Bulan) with Jumlah Indikator Yang Diterima, Jumlah Indikator
Seharusnya Diterima and Tingkat Konvergensi (%), plus Kode Desa (or `--desa`), Tahun and
Kuartal. The "TOTAL" row is not read (it is the sum of the others).

Per desa and year: KONV_LAYANAN_DITERIMA and KONV_LAYANAN_SASARAN, the sums over the
target groups of the latest quarter in the file (a later quarter replaces an earlier one).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from intake.parsing import BadCell, Table, is_blank, parse_number, text
from sources.aggregate import (
    Aggregate,
    Options,
    Place,
    cell_at,
    find_header,
    place_of,
    require_place_columns,
    year_of,
)

KIND = "scorecard"
SOURCE = "Scorecard Konvergensi Desa"
COLUMNS = {
    "sasaran": ("Sasaran",),
    "diterima": (
        "Jumlah Indikator Yang Diterima",
        "Yang Diterima",
        "Jumlah Diterima",
        "Diterima",
    ),
    "seharusnya": (
        "Jumlah Indikator Seharusnya Diterima",
        "Seharusnya Diterima",
        "Jumlah Seharusnya",
        "Seharusnya",
    ),
    "tahun": ("Tahun",),
    "kuartal": ("Kuartal", "Triwulan"),
    "kode_desa": ("Kode Desa", "Kode Wilayah"),
    "desa": ("Nama Desa", "Desa"),
}
REQUIRED = ("sasaran", "diterima", "seharusnya")


def read(table: Table, options: Options) -> Aggregate:
    table, columns = find_header(table, COLUMNS, required=REQUIRED)
    require_place_columns(columns, options)
    default_year = year_of(options) if "tahun" not in columns else ""
    result = Aggregate(kind=KIND, source=SOURCE)
    # (desa, year) → (quarter, received, due, rows)
    latest: dict[tuple[Place, str], tuple[int, float, float, list[int]]] = {}
    for number, cells in table.rows:
        if all(is_blank(c) for c in cells):
            continue
        group = text(cell_at(cells, columns["sasaran"]))
        if not group or group.upper().startswith("TOTAL"):
            continue
        result.rows += 1
        place = place_of(cells, columns, options)
        if place is None:
            result.error(number, "Kode Desa", _("desa kosong"))
            continue
        year = text(cell_at(cells, columns.get("tahun"))) or default_year
        if not re.fullmatch(r"\d{4}", year) or int(year) > options.today.year:
            result.error(number, "Tahun", _("tahun %(year)s tidak sah") % {"year": repr(year)})
            continue
        quarter_text = text(cell_at(cells, columns.get("kuartal"))) or "0"
        quarter = int(re.sub(r"\D", "", quarter_text) or 0)
        if quarter not in (0, 1, 2, 3, 4):
            result.error(number, "Kuartal", _("kuartal harus 1–4"))
            continue
        try:
            received = parse_number(cell_at(cells, columns["diterima"]))
            due = parse_number(cell_at(cells, columns["seharusnya"]))
        except BadCell as exc:
            result.error(number, "Jumlah", str(exc))
            continue
        if received < 0 or due < 0 or received > due or not received.is_integer():
            result.error(
                number,
                "Yang Diterima",
                _("%(received)s dari %(due)s: harus bilangan bulat ≤ yang seharusnya")
                % {"received": f"{received:g}", "due": f"{due:g}"},
            )
            continue
        key = (place, year)
        current = latest.get(key)
        if current is None or quarter > current[0]:
            latest[key] = (quarter, received, due, [number])
        elif quarter == current[0]:
            latest[key] = (quarter, current[1] + received, current[2] + due, [*current[3], number])
    if result.errors:
        return result
    for (place, year), (_quarter, received, due, rows) in latest.items():
        result.values[(place, "KONV_LAYANAN_DITERIMA", year)] = received
        result.values[(place, "KONV_LAYANAN_SASARAN", year)] = due
        for row in rows:
            result.seen(place, year, row)
    return result
