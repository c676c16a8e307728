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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Exists, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Substr

from accounts.scoping import subtree_q
from datavalues.oversight import unit_code, units_of
from planning.alignment import BASIC_SECTORS
from planning.budget_sectors import sector_of
from planning.evaluation import ApbdesEvaluation
from planning.followups import OPEN, FollowUp, Status
from planning.models import BudgetLine, Stage
from regions.models import Kind, Level, Region, within_code

DUE_SOON_DAYS = 14


def _desa_budgeted(region: Region, year: int) -> list[tuple[str, bool, bool]]:
    """Every desa under a region (kelurahan have no APBDes), retired ones too: (code,
    retired, whether it has APBDes lines of `year`), the lines' (desa, year, …) key probed
    once per desa rather than every line of the kabupaten read."""
    lines = BudgetLine.objects.filter(desa_id=OuterRef("code"), year=year)
    return [
        (code, bool(retired_in), budgeted)
        for code, retired_in, budgeted in Region.objects.filter(
            within_code(region.code), level=Level.DESA, kind=Kind.DESA
        )
        .annotate(budgeted=Exists(lines))
        .order_by("code")
        .values_list("code", "retired_in", "budgeted")
    ]


@dataclass
class FollowUpCounts:
    kecamatan: Region
    total: int = 0
    open: int = 0
    due: int = 0
    overdue: int = 0
    done: int = 0
    dropped: int = 0


def follow_ups_by_kecamatan(
    *, kabupaten: Region, today: dt.date, units: Sequence[Region] | None = None
) -> list[FollowUpCounts]:
    rows = {k.code: FollowUpCounts(k) for k in (units_of(kabupaten) if units is None else units)}
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


def evaluations_by_kecamatan(
    *, kabupaten: Region, year: int, units: Sequence[Region] | None = None
) -> list[EvaluationCounts]:
    """Evaluations of the APBDes of `year` (the budget year evaluated)."""
    rows = {k.code: EvaluationCounts(k) for k in (units_of(kabupaten) if units is None else units)}
    current = [
        (c, budgeted) for c, retired, budgeted in _desa_budgeted(kabupaten, year) if not retired
    ]
    parents = [code for code, _budgeted in current]
    with_budget = {code for code, budgeted in current if budgeted}
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


def budgets_by_kecamatan(
    *, kabupaten: Region, year: int, units: Sequence[Region] | None = None
) -> list[KecamatanBudget]:
    """The lines planning.alignment.budgets reads per desa (the adopted APBDes where there
    is one, else the draft), summed per kecamatan and kegiatan in the query: a kabupaten's
    APBDes are thousands of lines."""
    rows = {k.code: KecamatanBudget(k) for k in (units_of(kabupaten) if units is None else units)}
    if not rows:
        return []
    width = len(next(iter(rows)))
    # A retired desa's APBDes of the year stays in the sums; the counts are of current desa.
    codes = _desa_budgeted(kabupaten, year)
    for code, retired, budgeted in codes:
        row = rows.get(code[:width])
        if row is None or retired:
            continue
        row.desa += 1
        row.with_apbdes += budgeted
    lines = BudgetLine.objects.filter(desa_id__in=[c for c, _r, _b in codes], year=year)
    adopted = lines.filter(stage=Stage.FINAL).values("desa_id")
    sums = (
        lines.filter(Q(stage=Stage.FINAL) | (Q(stage=Stage.DRAFT) & ~Q(desa_id__in=adopted)))
        .annotate(unit=Substr("desa_id", 1, width))
        .values_list("unit", "kegiatan_code")
        .annotate(budget=Sum("budget_rp"), realised=Sum("realised_rp"))
        .order_by()
    )
    for unit, kegiatan, budget_rp, realised_rp in sums:
        row = rows.get(unit)
        if row is None:
            continue
        row.total_rp += budget_rp or 0
        row.realised_rp += realised_rp or 0
        sector = sector_of(kegiatan)
        if sector is not None:
            row.sectors[sector] = row.sectors.get(sector, 0) + (budget_rp or 0)
    return list(rows.values())


def rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def totals(rows: Iterable[object], *names: str) -> list[int]:
    """Column sums of integer attributes, for the kabupaten line under a table."""
    listed = list(rows)
    return [sum(int(getattr(r, n)) for r in listed) for n in names]


def latest_budget_year(kabupaten: str, cap: int) -> int:
    """The latest APBDes year of the kabupaten up to `cap` (else `cap`)."""
    # Each desa's latest year from the end of its (desa, year, …) key, then the highest:
    # a maximum over all the kabupaten's lines reads every one of them.
    latest_of_desa = (
        BudgetLine.objects.filter(desa_id=OuterRef("code"), year__lte=cap)
        .order_by("-year")
        .values("year")[:1]
    )
    latest = (
        Region.objects.filter(within_code(kabupaten), level=Level.DESA)
        .annotate(latest=Subquery(latest_of_desa))
        .aggregate(top=Max("latest"))["top"]
    )
    return int(latest) if latest else cap
