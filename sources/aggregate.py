"""What an adapter hands back: counts per desa, element and period, and row problems.

An adapter reads another system's export row by row and keeps only counts in memory; the
rows themselves (names, NIK, birth dates, addresses) are dropped as soon as they are
counted. Problems name the row and the column, never the personal value in it.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.utils.translation import gettext as _

from intake.parsing import BadCell, BadFile, Cell, Table, normalise_header, text
from regions.codes import dotted

# The long layout of `importvalues`, plus where the numbers come from in the source file.
HEADER = ["kode_wilayah", "nama_desa", "kode_data", "periode", "nilai", "sumber", "keterangan"]


@dataclass(frozen=True, slots=True)
class SourceProblem:
    row: int  # row of the source file (its header is row 1)
    column: str
    message: str


@dataclass(frozen=True, slots=True)
class Place:
    """Where a count belongs: a desa code, or a desa name matched inside a kecamatan."""

    code: str = ""
    name: str = ""


@dataclass
class Options:
    desa: str = ""  # every row belongs to this desa (files that do not name their desa)
    kecamatan: str = ""  # desa names in the file are matched inside this kecamatan
    period: str = ""  # the period of a file that carries none (a year)
    today: date = field(default_factory=date.today)


class SourceFacility(NamedTuple):
    """A facility named in a source file (a Dapodik school): no personal data."""

    place: Place
    kind: str  # facilities.models.FacilityType
    key: str  # its identifier in the source (NPSN)
    name: str


@dataclass
class Aggregate:
    kind: str
    source: str  # the `sumber` of every value
    rows: int = 0  # data rows read from the source file
    values: dict[tuple[Place, str, str], float] = field(default_factory=dict)
    first_rows: dict[tuple[Place, str], tuple[int, int]] = field(default_factory=dict)
    errors: list[SourceProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # rows left out on purpose, and why
    facilities: list[SourceFacility] = field(default_factory=list)  # for the register

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(SourceProblem(row, column, message))

    def count(self, place: Place, period: str, element: str, by: float = 1.0) -> None:
        key = (place, element, period)
        self.values[key] = self.values.get(key, 0.0) + by

    def seen(self, place: Place, period: str, row: int) -> None:
        """Remember the source rows behind a desa and period (first and last)."""
        key = (place, period)
        first, _last = self.first_rows.get(key, (row, row))
        self.first_rows[key] = (first, row)

    def to_csv(self) -> bytes:
        """The counts as a long `importvalues` file (no personal data in it)."""
        out = io.StringIO()
        writer = csv.writer(out, delimiter=",", lineterminator="\n")
        writer.writerow(HEADER)
        for (place, element, period), value in sorted(
            self.values.items(), key=lambda kv: (kv[0][0].code, kv[0][0].name, kv[0][2], kv[0][1])
        ):
            first, last = self.first_rows.get((place, period), (0, 0))
            where = f"{self.kind} baris {first}–{last}" if first else self.kind
            writer.writerow(
                [place.code, place.name, element, period, f"{value:g}", self.source, where]
            )
        return out.getvalue().encode("utf-8")


# --- reading the cells of an export ------------------------------------------------------


def find_columns(
    header: list[str], wanted: dict[str, tuple[str, ...]], *, required: Iterable[str]
) -> dict[str, int]:
    """Column positions by role: each role has the header spellings its system uses."""
    positions = {_key(h): i for i, h in reversed(list(enumerate(header))) if h.strip()}
    found: dict[str, int] = {}
    for role, names in wanted.items():
        for name in names:
            if _key(name) in positions:
                found[role] = positions[_key(name)]
                break
    missing = [wanted[r][0] for r in required if r not in found]
    if missing:
        raise BadFile(
            _("Kolom tidak ada: %(missing)s (kolom berkas: %(columns)s)")
            % {
                "missing": ", ".join(missing),
                "columns": ", ".join(h for h in header if h.strip())[:300],
            }
        )
    return found


def find_header(
    table: Table, wanted: dict[str, tuple[str, ...]], *, required: Iterable[str], scan: int = 15
) -> tuple[Table, dict[str, int]]:
    """The header and its columns. Exports often put a title block (system, desa, date)
    above the header: then the first of the next `scan` rows that has every required
    column is the header, and the data start below it."""
    required = tuple(required)
    try:
        return table, find_columns(table.header, wanted, required=required)
    except BadFile as first:
        for _number, cells in itertools.islice(table.rows, scan):
            header = [text(c) for c in cells]
            try:
                columns = find_columns(header, wanted, required=required)
            except BadFile:
                continue
            return replace(table, header=header), columns
        raise first from None


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", normalise_header(name))


def cell_at(cells: list[Cell], index: int | None) -> Cell:
    return cells[index] if index is not None and index < len(cells) else None


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%d.%m.%Y")
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(cell: Cell) -> date:
    """A date from an Excel date, an Excel serial number or text (ISO or day first)."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if 1 <= cell < 100_000:
            return _EXCEL_EPOCH + timedelta(days=int(cell))
        raise BadCell(_("bukan tanggal"))
    value = text(cell)
    if not value:
        raise BadCell(_("tanggal kosong"))
    value = value.split(" ")[0].split("T")[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise BadCell(_("tanggal tidak terbaca (pakai YYYY-MM-DD atau DD/MM/YYYY)"))


def require_place_columns(columns: dict[str, int], options: Options) -> None:
    """A file must name its desa by code, or by name inside the given kecamatan, unless
    the operator names the one desa of the whole file."""
    by_name = "desa" in columns and bool(options.kecamatan)
    if not options.desa and "kode_desa" not in columns and not by_name:
        raise BadFile(
            _(
                "Berkas tanpa kolom Kode Desa: berikan kode desa (--desa, satu desa) atau "
                "kode kecamatan (--kecamatan, cocokkan kolom nama desa)."
            )
        )


def place_of(cells: list[Cell], columns: dict[str, int], options: Options) -> Place | None:
    """The desa of a row: the operator's, the row's code, or its name (None: neither)."""
    if options.desa:
        return Place(code=options.desa)
    code = text(cell_at(cells, columns.get("kode_desa")))
    if code:
        return Place(code=dotted(code))
    name = " ".join(text(cell_at(cells, columns.get("desa"))).split()).upper()
    if name and options.kecamatan:
        return Place(name=name)  # one spelling per desa: "Balecatur" is "BALECATUR"
    return None


def year_of(options: Options) -> str:
    """The year a file without dates is about: the operator's, else this year."""
    period = options.period or str(options.today.year)
    if not re.fullmatch(r"\d{4}", period) or int(period) > options.today.year:
        raise BadFile(
            _("Periode %(period)s: tahun data (YYYY, bukan masa depan).") % {"period": repr(period)}
        )
    return period
