"""The kecamatan report as an Excel workbook: one sheet per section, Indonesian headers,
numbers stored as numbers (never formatted text), and the raw desa values with their sources.

Every text cell goes through `text`, which strips the control characters openpyxl refuses and
applies `accounts.audit.csv_safe`: openpyxl would store a string
beginning with "=" as a live formula, and a desa name or a note typed by a user must never
run in the camat's spreadsheet (ASVS 1.2.10).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from accounts.audit import csv_safe
from reports.content import KecamatanReport
from reports.tables import TABLES, Table


def text(value: Any) -> str:
    """Neutralised text without the control characters openpyxl refuses (text stored before
    input was normalised): a vertical tab, Word's manual line break, becomes a new line."""
    cleaned: str = ILLEGAL_CHARACTERS_RE.sub("", csv_safe(value).replace("\v", "\n"))
    return cleaned


def cell(value: Any) -> Any:
    """Numbers stay numbers; None stays empty; everything else is neutralised text."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value
    return text(value)


def _sheet(
    book: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    sheet: Worksheet = book.create_sheet(title[:31])
    sheet.append([text(h) for h in header])
    for c in sheet[1]:
        c.font = Font(bold=True)
    for row in rows:
        sheet.append([cell(v) for v in row])
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(10, min(45, len(name) + 4))


def workbook_bytes(report: KecamatanReport) -> bytes:
    book = Workbook(write_only=False)
    assert book.active is not None
    book.remove(book.active)
    cover = book.create_sheet("Keterangan")
    for row in (
        ("Laporan Analisis Layanan Dasar Kecamatan", None),
        ("Kecamatan", text(report.kecamatan.name)),
        ("Kode Kemendagri", report.kecamatan.code),
        ("Kabupaten/kota", text(report.kabupaten.name if report.kabupaten else "")),
        ("Tahun data", report.year),
        ("Dibuat", report.made_at.strftime("%Y-%m-%d %H:%M")),
        ("Catatan", "Nilai = Σ pembilang ÷ Σ penyebut × faktor; bukan rata-rata persentase."),
    ):
        cover.append(list(row))
    if report.sample:
        cover.append(["DATA CONTOH", "Angka dibuat untuk peragaan, bukan data resmi desa."])
    for table in TABLES.values():
        result: Table = table.build(report)
        _sheet(book, table.sheet, result.header, result.rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
