"""The budget-alignment page of a kecamatan ("kualitas belanja desa"): each desa's APBDes
share per basic-service sector next to that sector's gap, and the need-vs-spending quadrant.
The measures live in planning/alignment.py; this module lays them out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from analytics.figures import Figure, Place, compute_figures
from analytics.formatting import number, percent, rupiah
from analytics.gaps import people_behind
from analytics.snapshot import catalogue_snapshot
from analytics.tables import yearly_table
from catalog.targets import TargetBook
from dashboard import coverage
from dashboard.charts import coord, short
from dashboard.filters import choose
from dashboard.pages import breadcrumbs, dashboard_url, visible_catalogue
from datavalues.sample import sample_data_under
from planning.alignment import BASIC_SECTORS, FLAG, DesaBudget, budgets, fund_sources, quadrant
from regions.models import Kind, Region


@dataclass
class SourceShare:
    label: str
    text: str


@dataclass
class BudgetRow:
    place: Place
    href: str
    kelurahan: bool
    has_budget: bool
    draft: bool
    total: str
    basic_share: str
    realisation: str
    sector_budget: str
    sector_share: str
    sector_realised: str
    sources: list[SourceShare]
    gap: str
    behind: int
    quadrant: str
    flagged: bool


@dataclass(frozen=True, slots=True)
class Dot:
    x: str
    y: str
    label: str
    name: str
    flagged: bool
    href: str
    right: bool  # label on the left of the dot, so names near the right edge stay visible


@dataclass
class Scatter:
    dots: list[Dot]
    median_x: str
    median_y: str
    x_end: str
    y_end: str


W, H = 360.0, 240.0
LEFT, RIGHT, TOP, BOTTOM = 34.0, 350.0, 10.0, 210.0


def _scatter(
    positions: list[Any],
    names: dict[str, str],
    hrefs: dict[str, str],
    gap_median: float,
    share_median: float,
) -> Scatter:
    x_max = float(max([p.gap for p in positions] + [1.0])) * 1.05
    y_max = float(max([p.share for p in positions] + [1.0])) * 1.1

    def x(v: float) -> float:
        return LEFT + v / x_max * (RIGHT - LEFT)

    def y(v: float) -> float:
        return BOTTOM - v / y_max * (BOTTOM - TOP)

    dots = [
        Dot(
            coord(x(p.gap)),
            coord(y(p.share)),
            short(names[p.desa], 12),
            names[p.desa],
            p.flagged,
            hrefs[p.desa],
            x(p.gap) > (LEFT + RIGHT) / 2,
        )
        for p in positions
    ]
    return Scatter(
        dots, coord(x(gap_median)), coord(y(share_median)), number(x_max, 0), percent(y_max, 1)
    )


def _sector_gaps(
    figures: list[Figure],
) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], int]]:
    """(desa, sector) → people behind, and → indicators short of target."""
    gaps: dict[tuple[str, str], float] = {}
    behind: dict[tuple[str, str], int] = {}
    for figure in figures:
        key = (figure.place.code, figure.indicator.sector.code)
        people = people_behind(figure)
        if people is not None:
            gaps[key] = gaps.get(key, 0.0) + people
            if people > 0:
                behind[key] = behind.get(key, 0) + 1
    return gaps, behind


def budget_page(*, user: Any, region: Region, params: Mapping[str, str]) -> dict[str, Any]:
    place = Place.of(region)
    ancestors = region.ancestors()
    children = list(
        Region.objects.current()
        .children_of(region.code)
        .for_user(user)
        .only("code", "name", "level", "parent_id", "kind")
        .order_by("code")
    )
    context: dict[str, Any] = {
        "region": region,
        "place": place,
        "title": region.display_name,
        "crumbs": breadcrumbs(ancestors, user),
        "sample": sample_data_under(region.code),
        "dashboard_href": dashboard_url(place),
    }
    snapshot = catalogue_snapshot()
    sectors, indicators = visible_catalogue(user, region.code, snapshot)
    sectors = [s for s in sectors if s.code in BASIC_SECTORS]
    indicators = [i for i in indicators if i.sector.code in BASIC_SECTORS]
    if not indicators:
        context["empty"] = _("Katalog indikator belum dimuat.")
        return context
    book = TargetBook.for_places(
        [place.code, *(r.code for r in children)], among=snapshot.local_target_regions
    )
    table = yearly_table(indicators=indicators, places=[place], targets=book)
    filters = choose(
        params,
        sectors=sectors,
        indicators=indicators,
        years=table.years(place.code),
        coverage=coverage.by_year(table, place.code, len(children)),
    )
    period = filters.period
    sector = filters.sector.code
    places = [Place.of(r) for r in children]
    figures = (
        compute_figures(
            indicators=indicators, places=places, period=period, snapshot=snapshot, targets=book
        )
        if places
        else []
    )
    gaps, behind = _sector_gaps(figures)
    spend = budgets([p.code for p in places], period.year)
    keep = filters.query(indikator="", urut="")
    hrefs = {p.code: dashboard_url(p, keep) for p in places}
    names = {p.code: p.name for p in places}
    shares = {code: share for code, b in spend.items() if (share := b.share(sector)) is not None}
    sector_gaps = {p.code: gaps[(p.code, sector)] for p in places if (p.code, sector) in gaps}
    quad = quadrant(sector_gaps, shares)
    by_desa = {q.desa: q for q in quad.positions}
    kinds = {r.code: r.kind for r in children}
    rows = [
        _row(
            p,
            hrefs[p.code],
            kinds[p.code] == Kind.KELURAHAN,
            spend.get(p.code),
            sector,
            sector_gaps.get(p.code),
            behind.get((p.code, sector), 0),
            by_desa.get(p.code),
        )
        for p in places
    ]
    totals = [b.total_budget_rp for b in spend.values()]
    basic = [b.basic_budget_rp for b in spend.values()]
    context.update(
        filters=filters,
        sectors=sectors,
        in_sector=[i for i in indicators if i.sector_id == filters.sector.id],
        rows=rows,
        hide_indicator=True,
        flagged=[r for r in rows if r.flagged],
        scatter=_scatter(quad.positions, names, hrefs, quad.gap_median, quad.share_median),
        has_budget=bool(spend),
        kecamatan_total=rupiah(sum(totals)) if totals else "–",
        kecamatan_basic_share=percent(sum(basic) / sum(totals) * 100, 1) if sum(totals) else "–",
        flag_label=FLAG,
        sources=list(fund_sources()),
        year=period.year,
        budget_href=reverse("budget-alignment", args=[region.code]),
    )
    return context


def _row(
    place: Place,
    href: str,
    kelurahan: bool,
    budget: DesaBudget | None,
    sector: str,
    gap: float | None,
    behind: int,
    position: Any,
) -> BudgetRow:
    spend = budget.spend(sector) if budget else None
    sources = []
    if spend and spend.budget_rp:
        sources = [
            SourceShare(code, percent(amount / spend.budget_rp * 100))
            for code, amount in sorted(spend.by_source.items(), key=lambda kv: -kv[1])
        ]
    realised = (
        percent(spend.realised_rp / spend.budget_rp * 100) if spend and spend.budget_rp else "–"
    )
    return BudgetRow(
        place=place,
        href=href,
        kelurahan=kelurahan,
        has_budget=budget is not None,
        draft=budget is not None and budget.stage == "draft",
        total=rupiah(budget.total_budget_rp) if budget else "–",
        basic_share=percent(budget.basic_share, 1) if budget else "–",
        realisation=percent(budget.realisation) if budget else "–",
        sector_budget=rupiah(spend.budget_rp) if spend is not None else "–",
        sector_share=percent(budget.share(sector), 1) if budget else "–",
        sector_realised=realised,
        sources=sources,
        gap=number(gap, 0) if gap is not None else "–",
        behind=behind,
        quadrant=position.quadrant if position else "",
        flagged=bool(position and position.flagged),
    )
