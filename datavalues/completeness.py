"""Completeness and timeliness per desa and sector for a period.

Expected: the sector's data elements of the period's type from every current desa (a code
a later edition retired is expected no more; desa-only elements are not expected from a
kelurahan). Received: values stored. On time: the first history row of
the value is no later than the due date (end of period + `due_days` of
catalog/validation_rules.yaml).
"""

from __future__ import annotations

import calendar
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

import yaml
from django.db.models import Min
from django.utils import timezone

from catalog.models import DataElement, Sector
from catalog.periods import PeriodSpec, parse_period
from datavalues.models import DataValue, ValueChange
from datavalues.validation import RULES_FILE, rules
from regions.models import Kind, Level, Region


@cache
def due_days() -> dict[str, int]:
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return {str(k): int(v) for k, v in (data.get("due_days") or {}).items()}


def due_date(spec: PeriodSpec) -> date:
    last_day = calendar.monthrange(spec.year, spec.last_month)[1]
    return date(spec.year, spec.last_month, last_day) + timedelta(
        days=due_days().get(spec.type.slug, 30)
    )


@dataclass
class Cell:
    expected: int = 0
    received: int = 0
    on_time: int = 0

    @property
    def late(self) -> int:
        return self.received - self.on_time

    @property
    def percent(self) -> float:
        return 100 * self.received / self.expected if self.expected else 0.0


@dataclass
class Row:
    desa: Region
    cells: dict[str, Cell]


def completeness(
    *, kecamatan: Region, period: str, sectors_allowed: Collection[str] | None = None
) -> tuple[list[Sector], list[Row], date]:
    """Expected and received values per desa and sector (only `sectors_allowed` when
    given: what a sector-limited role may see)."""
    spec = parse_period(period)
    due = due_date(spec)
    deadline = timezone.make_aware(datetime.combine(due, time.max))
    sectors = list(Sector.objects.order_by("order"))
    elements = list(DataElement.objects.filter(period_type=spec.type).select_related("sector"))
    if sectors_allowed is not None:
        sectors = [s for s in sectors if s.code in sectors_allowed]
        elements = [e for e in elements if e.sector.code in sectors_allowed]
    desa_list = list(
        Region.objects.current().filter(level=Level.DESA, parent=kecamatan).order_by("code")
    )
    desa_only = rules().desa_only
    received: dict[tuple[str, int], int] = {}
    for region_code, element_id in DataValue.objects.filter(
        region__in=desa_list, period__code=spec.code, element__in=elements
    ).values_list("region_id", "element_id"):
        received[(region_code, element_id)] = 1
    first_seen = {
        (r, e): at
        for r, e, at in ValueChange.objects.filter(
            region__in=desa_list, period__code=spec.code, element__in=elements
        )
        .values_list("region_id", "element_id")
        .annotate(at=Min("changed_at"))
        .values_list("region_id", "element_id", "at")
    }
    rows: list[Row] = []
    for desa in desa_list:
        cells = {s.code: Cell() for s in sectors}
        for element in elements:
            if desa.kind == Kind.KELURAHAN and element.code in desa_only:
                continue
            cell = cells[element.sector.code]
            cell.expected += 1
            if (desa.code, element.id) in received:
                cell.received += 1
                seen = first_seen.get((desa.code, element.id))
                if seen is not None and seen <= deadline:
                    cell.on_time += 1
        rows.append(Row(desa=desa, cells=cells))
    return sectors, rows, due
