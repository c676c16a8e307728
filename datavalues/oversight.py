"""Completeness, timeliness and approval of every kecamatan of a kabupaten, for a period.

The kabupaten (DPMD) view of what datavalues/completeness.py and datavalues/approval.py
show per desa: the same definitions (expected = the sector's data elements of the period's
type from every current desa, desa-only elements not expected from a kelurahan; on time = first history row no later
than the due date; a desa without an approval row is a draft), summed per kecamatan. A fixed
number of queries whatever the number of kecamatan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import connection
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone

from accounts.scoping import subtree_q
from catalog.models import DataElement, Period, Sector
from catalog.periods import parse_period
from datavalues.approval import PeriodApproval, State
from datavalues.completeness import Cell, due_date
from datavalues.models import DataValue, ValueChange
from datavalues.validation import rules
from regions.models import Kind, Level, Region, within_code


@dataclass
class KecamatanCompleteness:
    kecamatan: Region
    desa: int = 0
    cells: dict[str, Cell] = field(default_factory=dict)

    @property
    def total(self) -> Cell:
        total = Cell()
        for cell in self.cells.values():
            total.expected += cell.expected
            total.received += cell.received
            total.on_time += cell.on_time
        return total


def units_of(region: Region) -> list[Region]:
    """The rows of the tables: the kecamatan of a kabupaten, or the kabupaten of a province
    (every function below takes them as `units` when the caller has read them already).

    A desa belongs to the row whose code starts its own (`unit_code`)."""
    return list(Region.objects.current().filter(parent=region).order_by("code"))


def unit_code(desa: str, units: Mapping[str, object]) -> str:
    """The code of the row a desa counts in: its code cut to the length of the rows' codes."""
    width = len(next(iter(units), ""))
    return desa[:width]


def completeness_by_kecamatan(
    *, kabupaten: Region, period: str, units: Sequence[Region] | None = None
) -> tuple[list[Sector], list[KecamatanCompleteness], date]:
    spec = parse_period(period)
    due = due_date(spec)
    deadline = timezone.make_aware(datetime.combine(due, time.max))
    sectors = list(Sector.objects.order_by("order"))
    elements = list(DataElement.objects.filter(period_type=spec.type).select_related("sector"))
    desa_only = rules().desa_only
    rows = {
        k.code: KecamatanCompleteness(k, cells={s.code: Cell() for s in sectors})
        for k in (units_of(kabupaten) if units is None else units)
    }
    desa_list = list(
        Region.objects.current()
        .filter(within_code(kabupaten.code), level=Level.DESA)
        .values_list("code", "parent_id", "kind")
    )
    # An explicit list of desa codes: the (region, element, period) keys of both tables
    # serve it, where a prefix match on the region would read the whole table. The values
    # are counted in the database per row (kecamatan) and element: a kabupaten of 850 desa
    # has some 78,000 values in a year, too many to bring back one by one.
    codes = [code for code, _parent, _kind in desa_list]
    kelurahan = [code for code, _parent, kind in desa_list if kind == Kind.KELURAHAN]
    period_id = Period.objects.filter(code=spec.code).values_list("id", flat=True).first()
    width = len(next(iter(rows), ""))
    received = _counted(codes, period_id, width, deadline=None)
    on_time = _counted(codes, period_id, width, deadline=deadline)
    # Desa-only elements are not expected from a kelurahan: its values of them do not count.
    kelurahan_received = _counted(kelurahan, period_id, width, deadline=None)
    kelurahan_on_time = _counted(kelurahan, period_id, width, deadline=deadline)
    # Expected per sector from a desa and from a kelurahan.
    from_desa = dict.fromkeys((s.code for s in sectors), 0)
    from_kelurahan = dict(from_desa)
    sector_and_desa_only: dict[int, tuple[str, bool]] = {}
    for element in elements:
        only_desa = element.code in desa_only
        sector_and_desa_only[element.id] = (element.sector.code, only_desa)
        from_desa[element.sector.code] += 1
        from_kelurahan[element.sector.code] += not only_desa
    kelurahan_in: dict[str, int] = {}
    for code, _parent, kind in desa_list:
        row = rows.get(unit_code(code, rows))
        if row is None:
            continue
        row.desa += 1
        kelurahan_in[row.kecamatan.code] = kelurahan_in.get(row.kecamatan.code, 0) + (
            kind == Kind.KELURAHAN
        )
    for row in rows.values():
        in_row = kelurahan_in.get(row.kecamatan.code, 0)
        for sector_code, cell in row.cells.items():
            cell.expected = (row.desa - in_row) * from_desa[sector_code] + (
                in_row * from_kelurahan[sector_code]
            )
    for (unit, element_id), n in received.items():
        row = rows.get(unit)
        expected = sector_and_desa_only.get(element_id)
        if row is None or expected is None:
            continue
        sector_code, only_desa = expected
        late_or_on_time = on_time.get((unit, element_id), 0)
        if only_desa:
            n -= kelurahan_received.get((unit, element_id), 0)
            late_or_on_time -= kelurahan_on_time.get((unit, element_id), 0)
        cell = row.cells[sector_code]
        cell.received += n
        cell.on_time += late_or_on_time
    return sectors, list(rows.values()), due


@dataclass
class KecamatanApproval:
    kecamatan: Region
    desa: int = 0
    states: dict[str, int] = field(default_factory=dict)

    def count(self, state: str) -> int:
        return self.states.get(state, 0)

    @property
    def approved_percent(self) -> float:
        return 100 * self.count(State.APPROVED) / self.desa if self.desa else 0.0


def _counted(
    codes: Sequence[str], period_id: int | None, width: int, *, deadline: datetime | None
) -> dict[tuple[str, int], int]:
    """Values of `codes` for the period, counted per row code (the desa code cut to `width`)
    and element. With `deadline`: only those whose first history row is no later than it
    (still stored: a cleared value is neither received nor on time)."""
    if not codes or period_id is None:
        return {}
    if deadline is None:
        found = (
            DataValue.objects.filter(region_id__in=codes, period_id=period_id)
            .annotate(unit=Substr("region_id", 1, width))
            .values_list("unit", "element_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        return {(unit, element): n for unit, element, n in found}
    changes = connection.ops.quote_name(ValueChange._meta.db_table)
    values = connection.ops.quote_name(DataValue._meta.db_table)
    marks = ", ".join(["%s"] * len(codes))
    # Table names from the models, every value a parameter.
    sql = f"""
        SELECT substr(first.region_id, 1, %s), first.element_id, COUNT(*)
        FROM (
            SELECT region_id, element_id FROM {changes}
            WHERE region_id IN ({marks}) AND period_id = %s
            GROUP BY region_id, element_id
            HAVING MIN(changed_at) <= %s
        ) AS first
        WHERE EXISTS (
            SELECT 1 FROM {values} AS v WHERE v.region_id = first.region_id
            AND v.element_id = first.element_id AND v.period_id = %s
        )
        GROUP BY substr(first.region_id, 1, %s), first.element_id
    """  # noqa: S608
    with connection.cursor() as cursor:
        # As the ORM would pass it: naive UTC text on SQLite, an aware time on PostgreSQL.
        at = connection.ops.adapt_datetimefield_value(deadline)
        cursor.execute(sql, [width, *codes, period_id, at, period_id, width])
        return {(unit, element): n for unit, element, n in cursor.fetchall()}


def approvals_by_kecamatan(
    *, kabupaten: Region, period: str, units: Sequence[Region] | None = None
) -> list[KecamatanApproval]:
    """Desa per approval state in each kecamatan; a desa without a row is a draft."""
    spec = parse_period(period)
    rows = {k.code: KecamatanApproval(k) for k in (units_of(kabupaten) if units is None else units)}
    parent_of = dict(
        Region.objects.current()
        .filter(within_code(kabupaten.code), level=Level.DESA)
        .values_list("code", "parent_id")
    )
    state_of = dict(
        PeriodApproval.objects.filter(
            subtree_q("region", kabupaten.code), period__code=spec.code
        ).values_list("region_id", "state")
    )
    for desa in parent_of:
        row = rows.get(unit_code(desa, rows))
        if row is None:
            continue
        row.desa += 1
        state = state_of.get(desa, State.DRAFT)
        row.states[state] = row.states.get(state, 0) + 1
    return list(rows.values())
