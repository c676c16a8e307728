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

from django.db.models import Min
from django.utils import timezone

from accounts.scoping import subtree_q
from catalog.models import DataElement, Sector
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
    element_ids = [e.id for e in elements]
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
    # serve it, where a prefix match on the region would read the whole table.
    codes = [code for code, _parent, _kind in desa_list]
    # Elements not expected (another period type) are skipped below, not in the query: the
    # element list there cost a comparison for every value of the period.
    received = set(
        DataValue.objects.filter(region_id__in=codes, period__code=spec.code).values_list(
            "region_id", "element_id"
        )
    )
    # Values whose first history row is no later than the deadline, decided in the query
    # (HAVING): reading every first timestamp back costs more than the rest of the page.
    on_time = set(
        ValueChange.objects.filter(
            region_id__in=codes, period__code=spec.code, element__in=element_ids
        )
        .values_list("region_id", "element_id")
        .annotate(at=Min("changed_at"))
        .filter(at__lte=deadline)
        .values_list("region_id", "element_id")
    )
    # Expected per sector from a desa and from a kelurahan (desa-only elements are not
    # expected from a kelurahan); then count the received values themselves rather than
    # look up every (desa, element) pair: a kabupaten has thousands of them.
    from_desa = dict.fromkeys((s.code for s in sectors), 0)
    from_kelurahan = dict(from_desa)
    sector_and_desa_only: dict[int, tuple[str, bool]] = {}
    for element in elements:
        only_desa = element.code in desa_only
        sector_and_desa_only[element.id] = (element.sector.code, only_desa)
        from_desa[element.sector.code] += 1
        from_kelurahan[element.sector.code] += not only_desa
    reporter: dict[str, tuple[KecamatanCompleteness, bool]] = {}
    kelurahan_in: dict[str, int] = {}
    for code, _parent, kind in desa_list:
        row = rows.get(unit_code(code, rows))
        if row is None:
            continue
        row.desa += 1
        is_kelurahan = kind == Kind.KELURAHAN
        kelurahan_in[row.kecamatan.code] = kelurahan_in.get(row.kecamatan.code, 0) + is_kelurahan
        reporter[code] = (row, is_kelurahan)
    for row in rows.values():
        kelurahan = kelurahan_in.get(row.kecamatan.code, 0)
        for sector_code, cell in row.cells.items():
            cell.expected = (row.desa - kelurahan) * from_desa[sector_code] + (
                kelurahan * from_kelurahan[sector_code]
            )
    for code, element_id in received:
        found = reporter.get(code)
        if found is None:
            continue
        row, is_kelurahan = found
        expected = sector_and_desa_only.get(element_id)
        if expected is None:
            continue
        sector_code, only_desa = expected
        if is_kelurahan and only_desa:
            continue
        cell = row.cells[sector_code]
        cell.received += 1
        cell.on_time += (code, element_id) in on_time
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
