"""Downloadable templates: the desa rows of a region filled in, data element codes as headers.

One template holds elements of one reporting period type only (`jenis`: month, quarter,
semester, year), so its single `periode` column means the same for every column: the gizi
template, for instance, comes as a monthly file (weighing, measuring, immunisation) and a
yearly one (target populations, supplements).
"""

from __future__ import annotations

import csv
import io

from catalog.models import DataElement, Sector
from catalog.periods import PeriodType
from regions.models import Level, Region


def period_types_by_sector() -> dict[str, list[PeriodType]]:
    """The reporting period types of each sector's elements, shortest first."""
    out: dict[str, set[PeriodType]] = {s.code: set() for s in Sector.objects.all()}
    for sector, period_type in DataElement.objects.values_list("sector__code", "period_type"):
        out.setdefault(sector, set()).add(PeriodType(period_type))
    return {code: sorted(types) for code, types in out.items()}


def template_rows(
    *, region: Region, sector: str = "", period_type: PeriodType | None = None
) -> tuple[list[str], list[list[str]]]:
    """The wide layout: kode_wilayah, nama_desa, periode, then `CODE (name)` per element."""
    elements = DataElement.objects.order_by("sector__order", "code")
    if sector:
        elements = elements.filter(sector__code=sector)
    if period_type is not None:
        elements = elements.filter(period_type=period_type)
    header = ["kode_wilayah", "nama_desa", "periode"]
    header += [f"{e.code} ({e.name_id}, {e.unit})" for e in elements]
    if region.level == Level.DESA:
        desa = [region]
    else:
        desa = list(
            Region.objects.current()
            .filter(level=Level.DESA, code__startswith=region.code + ".")
            .order_by("code")
        )
    return header, [[d.code, d.name, ""] for d in desa]


def template_csv(
    *, region: Region, sector: str = "", period_type: PeriodType | None = None
) -> bytes:
    header, rows = template_rows(region=region, sector=sector, period_type=period_type)
    buffer = io.StringIO()
    # Semicolons: Excel in an Indonesian locale opens them in columns directly.
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx(
    *, region: Region, sector: str = "", period_type: PeriodType | None = None
) -> bytes:
    import openpyxl

    header, rows = template_rows(region=region, sector=sector, period_type=period_type)
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
