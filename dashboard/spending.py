"""A desa's APBDes by basic-service sector, for the desa page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analytics.formatting import percent, rupiah
from planning.alignment import BASIC_SECTORS, budgets


@dataclass
class DesaSpendLine:
    sector: str
    budget: str
    share: str
    realised: str


def desa_budget(code: str, year: int, sector_names: dict[str, str]) -> dict[str, Any]:
    """The desa page's APBDes-by-sector block."""
    found = budgets([code], year).get(code)
    if found is None:
        return {"budget_lines": [], "budget_total": None}
    lines = []
    for sector in BASIC_SECTORS:
        spend = found.spend(sector)
        lines.append(
            DesaSpendLine(
                sector=sector_names.get(sector, sector),
                budget=rupiah(spend.budget_rp),
                share=percent(found.share(sector), 1),
                realised=percent(spend.realised_rp / spend.budget_rp * 100)
                if spend.budget_rp
                else "–",
            )
        )
    return {
        "budget_lines": lines,
        "budget_total": rupiah(found.total_budget_rp),
        "budget_basic_share": percent(found.basic_share, 1),
        "budget_realisation": percent(found.realisation),
        "budget_draft": found.stage == "draft",
    }
