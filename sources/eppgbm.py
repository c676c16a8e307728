"""e-PPGBM (Sigizi Terpadu, Kemenkes): the per-child measurement export → counts per desa
and month.

Layout read (docs/SOURCES.md): one row per measurement of a child, as exported from
e-PPGBM's "Data Pengukuran" list (Petunjuk Teknis Sistem Informasi Gizi Terpadu,
Direktorat Gizi Masyarakat, Kemenkes): NIK, Nama, JK (L/P), Tgl Lahir, Nama Ortu, Prov,
Kab/Kota, Kec, Puskesmas, Desa/Kel, Posyandu, RT, RW, Alamat, Usia Saat Ukur, Tanggal
Pengukuran, Berat, Tinggi, Cara Ukur (Berdiri/Terlentang), LiLA, then e-PPGBM's own status
columns (BB/U, ZS BB/U, TB/U, …), which are not read: the scores are computed here with
the WHO 2006 standard, the same for every source.

Per desa and month of measurement (one measurement per child and month, the latest):
BALITA_DIUKUR / BALITA_STUNTING (TB/U < −2 SD), BALITA_DITIMBANG / BALITA_UNDERWEIGHT
(BB/U < −2 SD), BALITA_BBTB_DIUKUR / BALITA_WASTING (BB/TB < −2 SD).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from intake.parsing import BadCell, Cell, Table, is_blank, parse_number, text
from sources import growth
from sources.aggregate import (
    Aggregate,
    Options,
    Place,
    cell_at,
    find_header,
    parse_date,
    place_of,
    require_place_columns,
)

KIND = "eppgbm"
SOURCE = "e-PPGBM"
COLUMNS = {
    "jk": ("JK", "Jenis Kelamin", "L/P"),
    "lahir": ("Tgl Lahir", "Tanggal Lahir", "Tgl. Lahir"),
    "ukur": ("Tanggal Pengukuran", "Tgl Pengukuran", "Tanggal Ukur", "Tgl Ukur"),
    "berat": ("Berat", "BB", "BB (kg)", "Berat (kg)", "Berat Badan"),
    "tinggi": ("Tinggi", "TB", "TB (cm)", "Tinggi (cm)", "Tinggi Badan", "PB/TB"),
    "cara": ("Cara Ukur", "Posisi Ukur"),
    "nik": ("NIK", "NIK Anak"),
    "nama": ("Nama", "Nama Anak", "Nama Balita"),
    "kode_desa": ("Kode Desa", "Kode Desa/Kel", "Kode Wilayah", "Kode Kelurahan"),
    "desa": ("Desa/Kel", "Desa", "Kelurahan/Desa", "Nama Desa"),
}
REQUIRED = ("jk", "lahir", "ukur", "berat", "tinggi")
MALE = {"L", "LK", "LAKI-LAKI", "LAKI LAKI", "1", "M"}
FEMALE = {"P", "PR", "PEREMPUAN", "2", "F"}
STANDING = {"BERDIRI", "H", "TB", "TINGGI"}
LYING = {"TERLENTANG", "TELENTANG", "BERBARING", "L", "PB", "PANJANG"}
ELEMENTS = {
    "haz": ("BALITA_DIUKUR", "BALITA_STUNTING"),
    "waz": ("BALITA_DITIMBANG", "BALITA_UNDERWEIGHT"),
    "whz": ("BALITA_BBTB_DIUKUR", "BALITA_WASTING"),
}
SCORE_NAMES = {"z_lhfa": "TB/U", "z_wfa": "BB/U", "z_wflh": "BB/TB"}


def read(table: Table, options: Options) -> Aggregate:
    table, columns = find_header(table, COLUMNS, required=REQUIRED)
    require_place_columns(columns, options)
    result = Aggregate(kind=KIND, source=SOURCE)
    notes: Counter[str] = Counter()
    # The latest measurement of each child in each desa and month. The child is known by
    # a hash of its NIK (or name, birth date and sex) held only while the file is read.
    latest: dict[tuple[Place, str, int], tuple[date, int, growth.Scores]] = {}
    for number, cells in table.rows:
        if all(is_blank(c) for c in cells):
            continue
        result.rows += 1
        row = _Row(number, cells, columns, options, result)
        measurement = row.read()
        if measurement is None:
            continue
        place, period, child, measured, scores = measurement
        if scores is None:
            notes[_("umur 60 bulan atau lebih: bukan balita")] += 1
            continue
        for name in scores.implausible:
            notes[
                _("%(score)s di luar batas WHO, tidak dihitung") % {"score": SCORE_NAMES[name]}
            ] += 1
        key = (place, period, child)
        previous = latest.get(key)
        if previous is not None:
            notes[_("anak diukur lebih dari sekali sebulan: yang terakhir dihitung")] += 1
            if previous[0] > measured:
                continue
        latest[key] = (measured, number, scores)
    for label, count in sorted(notes.items()):
        result.notes.append(f"{count} baris: {label}")
    if result.errors:
        return result
    for (place, period, _child), (_measured, number, scores) in latest.items():
        result.seen(place, period, number)
        for score, (measured_element, below_element) in ELEMENTS.items():
            value = getattr(scores, score)
            result.count(place, period, measured_element, 1.0 if value is not None else 0.0)
            result.count(
                place, period, below_element, 1.0 if value is not None and value < -2 else 0.0
            )
    return result


class _Row:
    """One measurement row; every problem names the row and column, not the person."""

    def __init__(
        self,
        number: int,
        cells: list[Cell],
        columns: dict[str, int],
        options: Options,
        result: Aggregate,
    ) -> None:
        self.number = number
        self.cells = cells
        self.columns = columns
        self.options = options
        self.result = result
        self.ok = True

    def cell(self, role: str) -> Cell:
        return cell_at(self.cells, self.columns.get(role))

    def fail(self, column: str, message: str) -> None:
        self.ok = False
        self.result.error(self.number, column, message)

    def read(self) -> tuple[Place, str, int, date, growth.Scores | None] | None:
        sex = text(self.cell("jk")).upper()
        male = sex in MALE
        if not male and sex not in FEMALE:
            self.fail("JK", _("jenis kelamin harus L atau P"))
        born = self.day("lahir", "Tgl Lahir")
        measured = self.day("ukur", "Tanggal Pengukuran")
        if measured is not None and measured > self.options.today:
            self.fail("Tanggal Pengukuran", _("tanggal di masa depan"))
        weight = self.number_in("berat", "Berat", 0.5, 60.0)
        height = self.number_in("tinggi", "Tinggi", 35.0, 150.0)
        if self.ok and weight is None and height is None:
            self.fail("Berat", _("berat dan tinggi kosong"))
        standing = self.position()
        place = self.place()
        if not self.ok or born is None or measured is None or place is None:
            return None
        age = (measured - born).days
        if age < 0:
            self.fail(
                "Tanggal Pengukuran",
                _("tanggal pengukuran sebelum tanggal lahir"),
            )
            return None
        child = hash(self.identity(born, male))
        period = f"{measured.year}-{measured.month:02d}"
        if age > growth.AGE_LIMIT_DAYS:
            return place, period, child, measured, None
        scores = growth.scores(
            male=male, age_days=age, weight_kg=weight, height_cm=height, standing=standing
        )
        return place, period, child, measured, scores

    def day(self, role: str, column: str) -> date | None:
        try:
            return parse_date(self.cell(role))
        except BadCell as exc:
            self.fail(column, str(exc))
            return None

    def number_in(self, role: str, column: str, low: float, high: float) -> float | None:
        value = self.cell(role)
        if is_blank(value) or text(value) in ("-", "0"):
            return None
        try:
            number = parse_number(value)
        except BadCell as exc:
            self.fail(column, str(exc))
            return None
        if not low <= number <= high:
            self.fail(
                column,
                _("%(value)s di luar %(low)s–%(high)s")
                % {"value": f"{number:g}", "low": f"{low:g}", "high": f"{high:g}"},
            )
            return None
        return number

    def position(self) -> bool | None:
        value = text(self.cell("cara")).upper()
        if not value or value == "-":
            return None
        if value in STANDING:
            return True
        if value in LYING:
            return False
        self.fail("Cara Ukur", _("cara ukur harus Berdiri atau Terlentang"))
        return None

    def place(self) -> Place | None:
        place = place_of(self.cells, self.columns, self.options)
        if place is None:
            self.fail("Kode Desa", _("desa kosong"))
        return place

    def identity(self, born: date, male: bool) -> Any:
        nik = re.sub(r"\D", "", text(self.cell("nik")))
        if len(nik) >= 8 and set(nik) != {"0"}:
            return ("nik", nik)
        return ("nama", text(self.cell("nama")).casefold(), born, male)
