"""Downloadable templates: the desa rows of a region filled in, data element codes as headers."""

from __future__ import annotations

import csv
import io

from catalog.models import DataElement
from regions.models import Level, Region


def template_rows(*, region: Region, sector: str = "") -> tuple[list[str], list[list[str]]]:
    """The wide layout: kode_wilayah, nama_desa, periode, then `CODE (name)` per element."""
    elements = DataElement.objects.order_by("sector__order", "code")
    if sector:
        elements = elements.filter(sector__code=sector)
    header = ["kode_wilayah", "nama_desa", "periode"]
    header += [f"{e.code} ({e.name_id}, {e.unit})" for e in elements]
    if region.level == Level.DESA:
        desa = [region]
    else:
        desa = list(
            Region.objects.filter(level=Level.DESA, code__startswith=region.code + ".").order_by(
                "code"
            )
        )
    return header, [[d.code, d.name, ""] for d in desa]


def template_csv(*, region: Region, sector: str = "") -> bytes:
    header, rows = template_rows(region=region, sector=sector)
    buffer = io.StringIO()
    # Semicolons: Excel in an Indonesian locale opens them in columns directly.
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx(*, region: Region, sector: str = "") -> bytes:
    import openpyxl

    header, rows = template_rows(region=region, sector=sector)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "data"
    sheet.append(header)
    for row in rows:
        # Codes stay text: a number format would turn 34.04.01.2001 into nonsense.
        sheet.append(row)
    for cell in sheet["A"]:
        cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
