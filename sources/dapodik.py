"""Dapodik (Kemendikdasmen): the list of schools (satuan pendidikan) → schools per desa.

Layout read (docs/SOURCES.md): the "Daftar Satuan Pendidikan" list of Data Pokok
Pendidikan (dapo.kemdikbud.go.id, per kecamatan) and of Referensi Data Kemendikdasmen:
NPSN, Nama Satuan Pendidikan, Bentuk Pendidikan (TK, KB, TPA, SPS, SD, SMP, SMA, SMK,
SLB, PKBM, SKB), Status (Negeri/Swasta), Desa/Kelurahan, and a Kode Desa where the list
has one. Dapodik's own region codes are not Kemendagri's: without a Kemendagri code the
desa is matched by name inside the kecamatan given (`--kecamatan`).

Per desa named in the file and year (`--period`): PAUD_SATUAN (TK, KB, TPA, SPS),
SD_SATUAN, SMP_SATUAN, KESETARAAN_SATUAN (PKBM, SKB) and PAUD_ADA (yes when a PAUD unit
is there). Other forms (SMA, SMK, SLB, courses) are counted in a note, not stored.
PAUD units, SD and SMP also become rows of the facilities register (by NPSN), when the
import is written by `importsource`.
"""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _

from intake.parsing import Table, is_blank, text
from sources.aggregate import (
    Aggregate,
    Options,
    Place,
    SourceFacility,
    cell_at,
    find_header,
    place_of,
    require_place_columns,
    year_of,
)

KIND = "dapodik"
SOURCE = "Dapodik"
COLUMNS = {
    "npsn": ("NPSN",),
    "bentuk": ("Bentuk Pendidikan", "BP", "Jenjang", "Bentuk"),
    "nama": ("Nama Satuan Pendidikan", "Nama Sekolah", "Nama"),
    "status": ("Status", "Status Sekolah"),
    "kode_desa": ("Kode Desa", "Kode Wilayah Desa", "Kode Kelurahan"),
    "desa": ("Desa/Kelurahan", "Kelurahan/Desa", "Desa", "Kelurahan"),
}
REQUIRED = ("npsn", "bentuk")
FORMS = {
    "TK": "PAUD_SATUAN",
    "KB": "PAUD_SATUAN",
    "TPA": "PAUD_SATUAN",
    "SPS": "PAUD_SATUAN",
    "SD": "SD_SATUAN",
    "SMP": "SMP_SATUAN",
    "PKBM": "KESETARAAN_SATUAN",
    "SKB": "KESETARAAN_SATUAN",
}
OTHER_FORMS = {"SMA", "SMK", "SLB", "SDLB", "SMPLB", "SMALB", "KURSUS", "LKP", "MA", "MI"}
ELEMENTS = ("PAUD_SATUAN", "SD_SATUAN", "SMP_SATUAN", "KESETARAAN_SATUAN")
# Schools that also become rows of the facilities register (facilities.models).
REGISTER_KINDS = {"PAUD_SATUAN": "paud", "SD_SATUAN": "sd", "SMP_SATUAN": "smp"}


def read(table: Table, options: Options) -> Aggregate:
    table, columns = find_header(table, COLUMNS, required=REQUIRED)
    require_place_columns(columns, options)
    period = year_of(options)
    result = Aggregate(kind=KIND, source=SOURCE)
    seen: dict[str, int] = {}
    others: Counter[str] = Counter()
    counts: dict[Place, Counter[str]] = {}
    for number, cells in table.rows:
        if all(is_blank(c) for c in cells):
            continue
        result.rows += 1
        npsn = text(cell_at(cells, columns["npsn"]))
        form = text(cell_at(cells, columns["bentuk"])).upper().replace(".", "").strip()
        place = place_of(cells, columns, options)
        if not npsn.isdigit():
            result.error(number, "NPSN", _("NPSN harus angka"))
            continue
        if npsn in seen:
            result.error(
                number,
                "NPSN",
                _("NPSN %(npsn)s sudah ada di baris %(first)d")
                % {"npsn": npsn, "first": seen[npsn]},
            )
            continue
        seen[npsn] = number
        if place is None:
            result.error(number, "Desa/Kelurahan", _("desa kosong"))
            continue
        element = FORMS.get(form)
        if element is None:
            if form in OTHER_FORMS:
                others[form] += 1
            else:
                result.error(
                    number,
                    "Bentuk Pendidikan",
                    _("bentuk %(form)s tidak dikenal") % {"form": repr(form)},
                )
            continue
        counts.setdefault(place, Counter())[element] += 1
        if element in REGISTER_KINDS:
            name = text(cell_at(cells, columns.get("nama"))) or f"NPSN {npsn}"
            result.facilities.append(SourceFacility(place, REGISTER_KINDS[element], npsn, name))
        result.seen(place, period, number)
    if others:
        listed = ", ".join(f"{form} {n}" for form, n in sorted(others.items()))
        result.notes.append(f"tidak dihitung (bukan PAUD/SD/SMP/kesetaraan): {listed}")
    if result.errors:
        return result
    for place, by_element in counts.items():
        for element in ELEMENTS:
            result.values[(place, element, period)] = float(by_element[element])
        result.values[(place, "PAUD_ADA", period)] = 1.0 if by_element["PAUD_SATUAN"] else 0.0
    return result
