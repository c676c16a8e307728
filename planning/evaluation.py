"""Evaluasi rancangan APBDes (Permendagri 20/2018 Pasal 37: the camat may be delegated it).

For a desa and year the draft budget lines are set against the desa's gaps:
- a sector with people still to reach (planning/recommendations.py) that gets less than
  `LITTLE_SHARE` % of the budget is **flagged**, naming the village-authority kegiatan of the
  declared mapping that have no allocation (e.g. stunting above target and 0 on 2.2.02);
- allocations to sectors whose indicators all meet their targets are shown as such;
- the share of basic-service spending is Σ basic-service kegiatan ÷ total (DOMAIN.md §3.3).
The draft (rancangan) is evaluated; when only the adopted APBDes exists it is used, and said.
The camat's result and notes are one `ApbdesEvaluation` row per desa and year.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from analytics.figures import Figure
from analytics.status import Status
from catalog.models import Sector
from planning.activities import Activity
from planning.alignment import BASIC_SECTORS
from planning.budget_sectors import sector_of
from planning.models import BudgetLine, Stage
from planning.recommendations import Recommendations, SectorGap, recommend
from regions.models import Region

LITTLE_SHARE = 1.0  # % of the desa's total budget; below it a gap sector counts as unfunded


class Result(models.TextChoices):
    CONFORM = "sesuai", _("sesuai")
    NOTES = "catatan", _("sesuai dengan catatan")
    REVISE = "perbaiki", _("perlu perbaikan")


class ApbdesEvaluation(models.Model):
    desa = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="apbdes_evaluations")
    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    result = models.CharField(_("hasil evaluasi"), max_length=8, choices=Result.choices)
    notes = models.TextField(_("catatan"), max_length=4000, blank=True)
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "planning"
        verbose_name = _("evaluasi rancangan APBDes")
        verbose_name_plural = _("evaluasi rancangan APBDes")
        constraints = [
            models.UniqueConstraint(fields=["desa", "year"], name="apbdes_evaluation_once")
        ]

    def __str__(self) -> str:
        return f"{self.desa_id} {self.year}: {self.result}"


@dataclass
class SectorRow:
    sector: Sector
    gap: SectorGap | None
    at_target: bool
    budget_rp: int
    share: float | None
    flagged: bool
    unfunded: list[Activity] = field(default_factory=list)


@dataclass
class Evaluation:
    recommendations: Recommendations
    stage: str | None
    total_rp: int
    basic_rp: int
    rows: list[SectorRow]
    by_kegiatan: dict[str, int]

    @property
    def has_budget(self) -> bool:
        return self.stage is not None

    @property
    def basic_share(self) -> float | None:
        return self.basic_rp / self.total_rp * 100 if self.total_rp else None

    @property
    def flags(self) -> list[SectorRow]:
        return [r for r in self.rows if r.flagged]


def _lines(desa: Region, year: int) -> tuple[str | None, dict[str, int]]:
    rows = (
        BudgetLine.objects.filter(desa=desa, year=year)
        .values_list("stage", "kegiatan_code")
        .annotate(total=Sum("budget_rp"))
        .order_by()
    )
    by_stage: dict[str, dict[str, int]] = defaultdict(dict)
    for stage, code, total in rows:
        by_stage[stage][code] = int(total or 0)
    for stage in (Stage.DRAFT, Stage.FINAL):
        if by_stage.get(stage):
            return stage, by_stage[stage]
    return None, {}


def evaluate(
    *,
    desa: Region,
    year: int,
    budget_year: int | None = None,
    sectors: Collection[str] | None = None,
    figures: list[Figure] | None = None,
) -> Evaluation:
    """Gaps of the data `year` against the APBDes of `budget_year` (default: the same year;
    in practice the draft for next year is evaluated against this year's data)."""
    recommendations = recommend(desa=desa, year=year, sectors=sectors, figures=figures)
    stage, by_kegiatan = _lines(desa, budget_year or year)
    total = sum(by_kegiatan.values())
    per_sector: dict[str, int] = defaultdict(int)
    for kegiatan, amount in by_kegiatan.items():
        sector_code = sector_of(kegiatan)
        if sector_code is not None:
            per_sector[sector_code] += amount
    gaps = {g.sector.code: g for g in recommendations.sectors}
    seen: dict[str, Sector] = {}
    for figure in recommendations.figures:
        seen.setdefault(figure.indicator.sector.code, figure.indicator.sector)
    rows = []
    for code, sector in sorted(seen.items(), key=lambda s: (s[1].order, s[0])):
        if code not in BASIC_SECTORS:
            continue
        figures = [f for f in recommendations.figures if f.indicator.sector.code == code]
        # At target: every indicator with data and a target meets it (no data is not success).
        judged = [f for f in figures if f.value is not None and f.target is not None]
        at_target = bool(judged) and all(f.status == Status.ACHIEVED for f in judged)
        budget = per_sector.get(code, 0)
        share = budget / total * 100 if total else None
        gap = gaps.get(code)
        flagged = stage is not None and gap is not None and (share or 0.0) < LITTLE_SHARE
        unfunded = [a for a in gap.village if not by_kegiatan.get(a.kegiatan_code)] if gap else []
        rows.append(SectorRow(sector, gap, at_target, budget, share, flagged, unfunded))
    rows.sort(key=lambda r: (not r.flagged, -(r.gap.people if r.gap else 0.0), r.sector.order))
    return Evaluation(recommendations, stage, total, sum(per_sector.values()), rows, by_kegiatan)
