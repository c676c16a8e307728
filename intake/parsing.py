"""Reading uploaded tables (CSV and XLSX) into rows of raw cells, refusing hostile files.

Nothing in a file is evaluated: XLSX formulas are refused (never computed), and the zip
directory of an XLSX is checked (total uncompressed size, ratio, entry count) before any
XML is parsed, because a 200 kB "zip bomb" otherwise costs a worker a minute
(RELIABILITY.md 2.5). CSV is read as a stream, so memory does not grow with the file.
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, cast

from django.conf import settings

from datavalues.numbers import BadCell, Cell, is_blank, parse_number, parse_period_cell, text

# BadCell, Cell, is_blank, parse_number, parse_period_cell and text live in
# datavalues.numbers (the form and the API read cells too) and stay importable from here.
__all__ = [
    "BadCell",
    "BadFile",
    "Cell",
    "Table",
    "check_zip",
    "is_blank",
    "max_upload_bytes",
    "normalise_header",
    "open_table",
    "parse_number",
    "parse_period_cell",
    "text",
]

# Magic numbers of files people rename to .csv or .xlsx by mistake.
_IMAGES = {
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"%PDF": "PDF",
    b"BM": "BMP",
    b"RIFF": "WEBP",
}
_OLE = b"\xd0\xcf\x11\xe0"  # legacy .xls / .doc
_ZIP = b"PK\x03\x04"
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


class BadFile(ValueError):
    """The file as a whole cannot be read; the message is Indonesian, then English."""


@dataclass(frozen=True)
class Table:
    """A header and a stream of (1-based file row number, cells) for the data rows."""

    kind: str  # "csv" or "xlsx"
    header: list[str]
    rows: Iterator[tuple[int, list[Cell]]]
    # How to read "1.234" in a text cell: True in ';'-separated files (Indonesian Excel
    # writes ';' because ',' is its decimal separator, so '.' groups thousands), False in
    # ','-separated ones (a bare dot is a decimal point), None when unknown (XLSX text).
    decimal_comma: bool | None = None


def max_upload_bytes() -> int:
    return int(getattr(settings, "INTAKE_MAX_UPLOAD_MB", 50)) * 1024 * 1024


def open_table(stream: IO[bytes], *, size: int) -> Table:
    """Sniff the file by its content (never by its name) and open it as a table."""
    if size == 0:
        raise BadFile("Berkas kosong. / The file is empty.")
    if size > max_upload_bytes():
        raise BadFile(
            f"Berkas {size / 1048576:.1f} MB melebihi batas {max_upload_bytes() // 1048576} MB. / "
            f"The file exceeds the size limit."
        )
    head = stream.read(8192)
    stream.seek(0)
    for magic, name in _IMAGES.items():
        if head.startswith(magic):
            raise BadFile(
                f"Berkas ini gambar/dokumen {name} yang diganti namanya, bukan CSV atau XLSX. / "
                f"This is a renamed {name} file, not CSV or XLSX."
            )
    if head.startswith(_OLE):
        raise BadFile(
            "Format Excel lama (.xls) tidak didukung; simpan sebagai .xlsx atau CSV. / "
            "Legacy .xls is not supported; save as .xlsx or CSV."
        )
    if head.startswith(_ZIP):
        return _open_xlsx(stream, size=size)
    if b"\x00" in head:
        raise BadFile(
            "Berkas biner, bukan teks CSV atau XLSX. / Binary file, neither CSV text nor XLSX."
        )
    return _open_csv(stream)


# --- CSV -------------------------------------------------------------------------------


def _decode_lines(stream: IO[bytes]) -> Iterator[str]:
    """Lines as text: UTF-8 (with or without BOM), falling back to Windows-1252 per line.

    Files saved by Excel on Indonesian Windows are cp1252; a per-line fallback keeps
    streaming possible and never fails, since cp1252 decodes with replacement.
    """
    first = True
    for raw in stream:
        if first:
            first = False
            if raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            yield raw.decode("cp1252", errors="replace")


def _open_csv(stream: IO[bytes]) -> Table:
    lines = _decode_lines(stream)
    header_line = ""
    for line in lines:
        if line.strip():
            header_line = line
            break
    if not header_line:
        raise BadFile("Berkas kosong. / The file is empty.")
    # Excel in an Indonesian locale writes ';' because ',' is the decimal separator.
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        delimiter = ","
    try:
        header = next(csv.reader([header_line], delimiter=delimiter))
    except csv.Error as exc:
        raise _csv_refusal(1, exc) from None

    rows = _csv_rows(csv.reader(lines, delimiter=delimiter))
    return Table(
        kind="csv",
        header=[h.strip() for h in header],
        rows=rows,
        decimal_comma={";": True, ",": False}.get(delimiter),
    )


def _csv_refusal(line: int, exc: csv.Error) -> BadFile:
    if "field limit" in str(exc):
        return BadFile(
            f"Baris {line}: satu isian lebih dari {csv.field_size_limit() // 1024} KiB "
            "(mungkin tanda kutip yang tidak ditutup). / "
            f"Line {line}: a field is longer than {csv.field_size_limit() // 1024} KiB "
            "(perhaps an unclosed quote)."
        )
    return BadFile(f"Baris {line}: CSV rusak. / Line {line}: malformed CSV ({exc}).")


def _csv_rows(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[Cell]]]:
    """(file row, cells) from 2 on; a malformed row (a field over csv's 128 KiB limit, as
    an unclosed quote swallows the rest of the file) is a BadFile, not a crash."""
    try:
        # csv.reader already yields a fresh list per row; `yield from` adds no frame per row.
        yield from cast(Iterator[tuple[int, list[Cell]]], enumerate(reader, start=2))
    except csv.Error as exc:
        raise _csv_refusal(getattr(reader, "line_num", 0) + 1, exc) from None


# --- XLSX ------------------------------------------------------------------------------


def check_zip(stream: IO[bytes], *, size: int) -> zipfile.ZipFile:
    """Refuse a zip whose directory promises too much before decompressing anything."""
    try:
        archive = zipfile.ZipFile(stream)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BadFile(f"Berkas XLSX rusak. / Damaged XLSX file ({exc}).") from None
    limit_entries = int(getattr(settings, "INTAKE_MAX_ZIP_ENTRIES", 200))
    limit_ratio = int(getattr(settings, "INTAKE_MAX_ZIP_RATIO", 100))
    total = sum(e.file_size for e in entries)
    compressed = sum(e.compress_size for e in entries) or 1
    if len(entries) > limit_entries:
        raise BadFile(
            f"Berkas XLSX berisi {len(entries)} bagian (batas {limit_entries}). / "
            "Too many entries in the XLSX archive."
        )
    if total > 4 * max_upload_bytes() or total / compressed > limit_ratio:
        raise BadFile(
            f"Berkas XLSX mengembang menjadi {total / 1048576:.0f} MB "
            f"({total / compressed:.0f}× ukurannya): ditolak sebagai bom zip. / "
            "The XLSX decompresses to far more than its size (zip bomb): refused."
        )
    if "xl/workbook.xml" not in {e.filename for e in entries}:
        raise BadFile("Berkas zip ini bukan XLSX. / This zip file is not an XLSX workbook.")
    return archive


def _formula_cells(stream: IO[bytes], sheet: str) -> list[str]:
    """Addresses of formula cells (read by openpyxl without computing anything)."""
    import openpyxl

    stream.seek(0)
    workbook = openpyxl.load_workbook(stream, read_only=True, data_only=False)
    found: list[str] = []
    try:
        worksheet = workbook[sheet]
        for row in worksheet.iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    found.append(f"{cell.column_letter}{cell.row}")
                    if len(found) >= 20:
                        return found
    finally:
        workbook.close()
    return found


def _open_xlsx(stream: IO[bytes], *, size: int) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook

    archive = check_zip(stream, size=size)
    has_formula = False
    for entry in archive.infolist():
        if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
            with archive.open(entry) as part:
                tail = b""
                while chunk := part.read(1 << 20):
                    if _FORMULA.search(tail + chunk):
                        has_formula = True
                        break
                    tail = chunk[-8:]
        if has_formula:
            break
    stream.seek(0)
    try:
        workbook = CalamineWorkbook.from_filelike(stream)
        sheet_name = workbook.sheet_names[0]
        sheet = workbook.get_sheet_by_index(0)
    except (CalamineError, IndexError, ValueError) as exc:
        raise BadFile(f"Berkas XLSX tidak dapat dibaca. / Unreadable XLSX ({exc}).") from None
    if has_formula:
        cells = _formula_cells(stream, sheet_name)
        if cells:
            raise BadFile(
                f"Lembar {sheet_name!r} berisi rumus di sel {', '.join(cells)}; rumus tidak "
                "dihitung. Salin lalu tempel sebagai nilai. / The sheet contains formulas "
                f"({', '.join(cells)}); formulas are not evaluated: paste values instead."
            )
    rows = sheet.iter_rows()
    header: list[str] = []
    number = 0
    for raw in rows:
        number += 1
        if any(c not in ("", None) for c in raw):
            header = [str(c).strip() for c in raw]
            break
    if not header:
        raise BadFile("Lembar pertama kosong. / The first sheet is empty.")
    start = number

    def data() -> Iterator[tuple[int, list[Cell]]]:
        as_is = _AS_IS
        for offset, raw in enumerate(rows, start=start + 1):
            # Most cells are text or numbers, kept as they are ("" is an empty cell).
            plain = [None if c == "" else c for c in raw]
            if all(type(c) in as_is for c in plain):
                yield offset, cast(list[Cell], plain)
            else:
                yield offset, [_calamine_cell(c) for c in raw]

    return Table(kind="xlsx", header=header, rows=data())


_AS_IS = frozenset({str, float, int, type(None)})


def _calamine_cell(value: object) -> Cell:
    if value == "":
        return None
    if isinstance(value, str | float | int | date | datetime):
        return value
    return str(value)  # a time of day or a duration: kept as text, refused where a number is due


# --- cell values -----------------------------------------------------------------------


def normalise_header(name: str) -> str:
    """`" Kode Wilayah "` → `kode_wilayah`: header case and spacing do not matter."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())
