"""Planning across the kecamatan of a kabupaten: follow-ups, APBDes evaluations, budgets.

What the kecamatan pages show per desa, summed per kecamatan for the kabupaten (DPMD,
Bappeda): the same definitions as planning/followups.py, planning/evaluation.py and
planning/alignment.py. Each function reads a fixed number of queries.

- Follow-ups: *open* = planned or in progress; *overdue* = open after its due date;
  *due* = open with a due date in the next `DUE_SOON_DAYS` days (today included);
  *done* = selesai.
- Evaluations: desa (not kelurahan: they have no APBDes) with an APBDes of the year,
  evaluated (by result) and outstanding (an APBDes but no evaluation yet).
- Budget: Σ of each basic-service sector over Σ APBDes of the kecamatan's desa.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Max

from accounts.scoping import subtree_q
from datavalues.oversight import unit_code, units_of
from planning.alignment import BASIC_SECTORS, budgets
from planning.evaluation import ApbdesEvaluation
from planning.followups import OPEN, FollowUp, Status
from planning.models import BudgetLine
from regions.models import Kind, Level, Region, within_code

DUE_SOON_DAYS = 14


def _desa(region: Region, *, desa_only: bool = False, retired: bool = False) -> list[str]:
    """The current desa under a region (expected to budget and be evaluated); `retired`
    adds the codes a later edition retired, whose stored records still count."""
    found = Region.objects.filter(within_code(region.code), level=Level.DESA)
    if not retired:
        found = found.current()
    if desa_only:
        found = found.filter(kind=Kind.DESA)
    return list(found.values_list("code", flat=True))


@dataclass
class FollowUpCounts:
    kecamatan: Region
    total: int = 0
    open: int = 0
    due: int = 0
    overdue: int = 0
    done: int = 0
    dropped: int = 0


def follow_ups_by_kecamatan(*, kabupaten: Region, today: dt.date) -> list[FollowUpCounts]:
    rows = {k.code: FollowUpCounts(k) for k in units_of(kabupaten)}
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    for desa, status, due in FollowUp.objects.under(kabupaten.code).values_list(
        "desa_id", "status", "due_date"
    ):
        row = rows.get(unit_code(desa, rows))
        if row is None:
            continue
        row.total += 1
        if status in OPEN:
            row.open += 1
            if due < today:
                row.overdue += 1
            elif due <= soon:
                row.due += 1
        elif status == Status.DONE:
            row.done += 1
        else:
            row.dropped += 1
    return list(rows.values())


@dataclass
class EvaluationCounts:
    kecamatan: Region
    desa: int = 0
    with_apbdes: int = 0
    evaluated: int = 0
    evaluated_with_apbdes: int = 0
    results: dict[str, int] = field(default_factory=dict)

    @property
    def outstanding(self) -> int:
        return self.with_apbdes - self.evaluated_with_apbdes


def evaluations_by_kecamatan(*, kabupaten: Region, year: int) -> list[EvaluationCounts]:
    """Evaluations of the APBDes of `year` (the budget year evaluated)."""
    rows = {k.code: EvaluationCounts(k) for k in units_of(kabupaten)}
    parents = _desa(kabupaten, desa_only=True)
    with_budget = set(
        BudgetLine.objects.filter(desa_id__in=list(parents), year=year)
        .values_list("desa_id", flat=True)
        .distinct()
    )
    results = dict(
        ApbdesEvaluation.objects.filter(subtree_q("desa", kabupaten.code), year=year).values_list(
            "desa_id", "result"
        )
    )
    for desa in parents:
        row = rows.get(unit_code(desa, rows))
        if row is None:
            continue
        row.desa += 1
        has_budget = desa in with_budget
        row.with_apbdes += has_budget
        result = results.get(desa)
        if result is not None:
            row.evaluated += 1
            row.evaluated_with_apbdes += has_budget
            row.results[result] = row.results.get(result, 0) + 1
    return list(rows.values())


@dataclass
class KecamatanBudget:
    kecamatan: Region
    desa: int = 0
    with_apbdes: int = 0
    total_rp: int = 0
    realised_rp: int = 0
    sectors: dict[str, int] = field(default_factory=dict)

    def share(self, sector: str) -> float | None:
        return 100 * self.sectors.get(sector, 0) / self.total_rp if self.total_rp else None

    @property
    def basic_rp(self) -> int:
        return sum(self.sectors.get(s, 0) for s in BASIC_SECTORS)

    @property
    def basic_share(self) -> float | None:
        return 100 * self.basic_rp / self.total_rp if self.total_rp else None


def budgets_by_kecamatan(*, kabupaten: Region, year: int) -> list[KecamatanBudget]:
    rows = {k.code: KecamatanBudget(k) for k in units_of(kabupaten)}
    current = set(_desa(kabupaten, desa_only=True))
    # A retired desa's APBDes of the year stays in the sums; the counts are of current desa.
    parents = _desa(kabupaten, desa_only=True, retired=True)
    found = budgets(sorted(parents), year)
    for desa in parents:
        row = rows.get(unit_code(desa, rows))
        if row is None:
            continue
        row.desa += desa in current
        budget = found.get(desa)
        if budget is None:
            continue
        row.with_apbdes += desa in current
        row.total_rp += budget.total_budget_rp
        row.realised_rp += budget.total_realised_rp
        for sector, spend in budget.sectors.items():
            row.sectors[sector] = row.sectors.get(sector, 0) + spend.budget_rp
    return list(rows.values())


def rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def totals(rows: Iterable[object], *names: str) -> list[int]:
    """Column sums of integer attributes, for the kabupaten line under a table."""
    listed = list(rows)
    return [sum(int(getattr(r, n)) for r in listed) for n in names]


def latest_budget_year(kabupaten: str, cap: int) -> int:
    """The latest APBDes year of the kabupaten up to `cap` (else `cap`)."""
    desa = Region.objects.filter(within_code(kabupaten), level=Level.DESA).values("code")
    latest = BudgetLine.objects.filter(desa_id__in=desa, year__lte=cap).aggregate(top=Max("year"))[
        "top"
    ]
    return int(latest) if latest else cap
