"""Budget alignment ("kualitas belanja desa"): does a desa's APBDes go where its gaps are?

The measures, as the page explains them (DOMAIN.md §3.3, proposals 1 and 2):

- **Share of a sector** = Σ budget of the kegiatan mapped to the sector
  (planning/budget_sectors.yaml) ÷ total APBDes spending of the desa, for budget and for
  realisation, split by source of funds.
- **Gap of a sector** = people behind in that sector (dashboard/priorities.people_behind):
  people still to be reached for every target of the sector to be met.
- **Quadrant**: need (gap) against spending (share), cut at the kecamatan medians. A desa
  whose gap is above the median while the sector gets no allocation at all is flagged
  "kesenjangan besar, tanpa alokasi".

The final APBDes is used when a desa has one for the year, else its draft (marked).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Sum

from planning.budget_sectors import sector_of
from planning.models import BudgetLine, FundSource, Stage

BASIC_SECTORS = ("kesehatan", "gizi", "pendidikan", "air_sanitasi", "sosial", "adminduk")


@dataclass
class SectorSpend:
    budget_rp: int = 0
    realised_rp: int = 0
    by_source: dict[str, int] = field(default_factory=dict)


@dataclass
class DesaBudget:
    desa: str
    stage: str
    total_budget_rp: int = 0
    total_realised_rp: int = 0
    sectors: dict[str, SectorSpend] = field(default_factory=dict)

    def spend(self, sector: str) -> SectorSpend:
        return self.sectors.get(sector, SectorSpend())

    def share(self, sector: str) -> float | None:
        """Percentage of the desa's total budget going to the sector."""
        if not self.total_budget_rp:
            return None
        return self.spend(sector).budget_rp / self.total_budget_rp * 100

    @property
    def basic_budget_rp(self) -> int:
        return sum(self.spend(s).budget_rp for s in BASIC_SECTORS)

    @property
    def basic_share(self) -> float | None:
        if not self.total_budget_rp:
            return None
        return self.basic_budget_rp / self.total_budget_rp * 100

    @property
    def realisation(self) -> float | None:
        if not self.total_budget_rp:
            return None
        return self.total_realised_rp / self.total_budget_rp * 100


def budgets(desa: Sequence[str], year: int) -> dict[str, DesaBudget]:
    """APBDes per desa for a year, summed by sector and source of funds: one query."""
    rows = (
        BudgetLine.objects.filter(desa_id__in=list(desa), year=year)
        .values_list("desa_id", "stage", "kegiatan_code", "fund_source")
        .annotate(budget=Sum("budget_rp"), realised=Sum("realised_rp"))
        .order_by()
    )
    by_stage: dict[tuple[str, str], list[tuple[str, str, int, int]]] = defaultdict(list)
    for code, stage, kegiatan, source, budget, realised in rows:
        by_stage[(code, stage)].append((kegiatan, source, budget or 0, realised or 0))
    out: dict[str, DesaBudget] = {}
    for code in desa:
        stage = Stage.FINAL if (code, Stage.FINAL) in by_stage else Stage.DRAFT
        lines = by_stage.get((code, stage))
        if not lines:
            continue
        result = DesaBudget(code, stage)
        for kegiatan, source, budget, realised in lines:
            result.total_budget_rp += budget
            result.total_realised_rp += realised
            sector = sector_of(kegiatan)
            if sector is None:
                continue
            spend = result.sectors.setdefault(sector, SectorSpend())
            spend.budget_rp += budget
            spend.realised_rp += realised
            spend.by_source[source] = spend.by_source.get(source, 0) + budget
        out[code] = result
    return out


FLAG = "kesenjangan besar, tanpa alokasi"

QUADRANTS = {
    (True, False): "kesenjangan besar, belanja kecil",
    (True, True): "kesenjangan besar, belanja besar",
    (False, True): "kesenjangan kecil, belanja besar",
    (False, False): "kesenjangan kecil, belanja kecil",
}


@dataclass
class Position:
    desa: str
    gap: float  # people behind in the sector
    share: float  # % of the APBDes
    quadrant: str
    flagged: bool


@dataclass
class Quadrant:
    positions: list[Position]
    gap_median: float
    share_median: float


def quadrant(gaps: dict[str, float], shares: dict[str, float]) -> Quadrant:
    """Need against spending for the desa that have both a gap score and an APBDes."""
    both = [code for code in gaps if code in shares]
    if not both:
        return Quadrant([], 0.0, 0.0)
    gap_median = statistics.median(gaps[c] for c in both)
    share_median = statistics.median(shares[c] for c in both)
    positions = []
    for code in both:
        big_gap = gaps[code] > gap_median and gaps[code] > 0
        big_share = shares[code] > share_median
        positions.append(
            Position(
                desa=code,
                gap=gaps[code],
                share=shares[code],
                quadrant=QUADRANTS[(big_gap, big_share)],
                flagged=big_gap and shares[code] == 0,
            )
        )
    return Quadrant(positions, gap_median, share_median)


def fund_sources() -> Iterable[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in FundSource.choices]
