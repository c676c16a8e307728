"""Builders of XLSX test files (binary, so generated rather than committed) and helpers."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "intake"


def xlsx(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_long_with_excel_cells() -> bytes:
    """Number cells, a date cell for a monthly period, a year as a number, trailing blanks."""
    return xlsx(
        [
            ["Kode_Wilayah", "Kode_Data", "Periode", "Nilai"],
            ["34.04.01.2001", "BUMIL_SASARAN", 2024, 120],
            ["34.04.01.2001", "BALITA_DIUKUR", datetime(2024, 3, 1), 45.0],
            [None, None, None, None],
        ]
    )


def xlsx_with_formula() -> bytes:
    return xlsx(
        [
            ["kode_wilayah", "kode_data", "periode", "nilai"],
            ["34.04.01.2001", "BUMIL_SASARAN", "2024", "=1+1"],
        ]
    )


def zip_bomb() -> bytes:
    """A small XLSX-shaped zip whose sheet decompresses to ~60 MB of repeated rows."""
    buffer = io.BytesIO()
    row = b'<row><c t="inlineStr"><is><t>34.04.01.2001</t></is></c></row>'
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(b"<worksheet><sheetData>")
            for _ in range(1000):
                part.write(row * 1000)
            part.write(b"</sheetData></worksheet>")
    return buffer.getvalue()
