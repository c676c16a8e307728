"""Tables of the kabupaten pages, one declaration for the HTML page, CSV and XLSX.

A table is a title, a header (Indonesian) and rows of plain values (numbers stay numbers,
None stays empty), with an optional link per row for the page. Writers neutralise text
(`accounts.audit.csv_safe`): a name typed by a user must never run as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.audit import csv_safe
from analytics.formatting import number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[Sequence[Any]] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)
    footer: Sequence[Any] | None = None

    def display(self) -> list[tuple[str | None, list[str]]]:
        """Rows as text for the page, each with its link (or None)."""
        links = self.links + [None] * (len(self.rows) - len(self.links))
        return [(link, [shown(v) for v in row]) for link, row in zip(links, self.rows, strict=True)]

    def body_html(self) -> SafeString:
        """The rows as HTML `<tr>` elements, the first cell linked: the page's table body,
        built here because a template loop over every cell costs more than the rest of a
        large page."""
        parts: list[str] = []
        for link, cells in self.display():
            parts.append("<tr>")
            for i, cell in enumerate(cells):
                if i == 0 and link:
                    parts.append(f'<td><a href="{escape(link)}">{escape(cell)}</a></td>')
                else:
                    parts.append(f"<td>{escape(cell)}</td>")
            parts.append("</tr>")
        return mark_safe("".join(parts))  # noqa: S308 - every cell and link escaped above

    def display_footer(self) -> list[str] | None:
        return None if self.footer is None else [shown(v) for v in self.footer]


def shown(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int):
        return number(value, 0)
    if isinstance(value, float):
        return number(value, 1)
    return str(value)


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value
    return csv_safe(str(value))


def csv_response(tables: Sequence[Table], filename: str) -> HttpResponse:
    """One CSV file (UTF-8 with BOM for Excel); several tables are separated by a title row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for index, table in enumerate(tables):
        if len(tables) > 1:
            if index:
                writer.writerow([])
            writer.writerow([csv_safe(table.title)])
        writer.writerow([csv_safe(h) for h in table.header])
        for row in [*table.rows, *([table.footer] if table.footer else [])]:
            writer.writerow(["" if v is None else _cell(v) for v in row])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(tables: Sequence[Table], filename: str) -> HttpResponse:
    """One sheet per table, headers bold, numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for index, table in enumerate(tables, start=1):
        name = "".join(c for c in table.title if c not in "[]:*?/\\")[:28] or f"Tabel {index}"
        if name in used:
            name = f"{name[:25]} {index}"
        used.add(name)
        sheet = book.create_sheet(name)
        sheet.append([csv_safe(h) for h in table.header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in [*table.rows, *([table.footer] if table.footer else [])]:
            sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export(tables: Sequence[Table], filename: str, fmt: str) -> HttpResponse | None:
    """The response for `?format=csv|xlsx`, or None for the HTML page."""
    if fmt == "csv":
        return csv_response(tables, filename)
    if fmt == "xlsx":
        return xlsx_response(tables, filename)
    return None
