"""What the dashboard pages show, assembled from the analytics API in a bounded number of
queries (see docs/ARCHITECTURE.md, "Dashboard").

One function per page kind: `area_page` for Indonesia, a provinsi, a kabupaten/kota or a
kecamatan (the same views over its children) and `desa_page` for one desa/kelurahan. They
return plain template contexts; views only parse, check access and render.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.scoping import scope_of
from analytics.figures import (
    INDONESIA,
    Figure,
    Place,
    compute_figures,
    expected_desa,
    expected_for,
    indicators_with_targets,
    kelurahan_under,
)
from analytics.focus import SECTOR_VIEW, THEMES, theme_named
from analytics.formatting import number, percent, signed
from analytics.idm import class_counts, class_of_score, official_class
from analytics.models import NATIONAL
from analytics.snapshot import CatalogueSnapshot, catalogue_snapshot, held_snapshot
from analytics.tables import Table, desa_table, expected_from, yearly_table
from catalog.meaning import named_expression
from catalog.models import DataElement, Direction, Indicator, Sector
from catalog.periods import PeriodSpec, PeriodType
from catalog.targets import TargetBook
from dashboard import charts, choropleth, coverage, scorecard
from dashboard.filters import choose, requested_period
from dashboard.priorities import priorities
from dashboard.spending import desa_budget
from dashboard.statuses import ORDER, look_of
from datavalues.approval import State, state_of
from datavalues.sample import sample_data_under
from facilities import summary as facilities_summary
from facilities.layer import LAYER, facility_layer
from intake.idm_uploads import LeftoverCount, leftover_count
from regions.maps import region_map
from regions.models import Level, Region

URL_NAMES = {
    0: "dashboard-national",
    Level.PROVINSI: "dashboard-province",
    Level.KABUPATEN: "dashboard-kabupaten",
    Level.KECAMATAN: "dashboard-kecamatan",
    Level.DESA: "dashboard-desa",
}


def dashboard_url(place: Place, query: str = "") -> str:
    name = URL_NAMES[place.level]
    path = reverse(name) if place.level == 0 else reverse(name, args=[place.code])
    return path + query


def visible_catalogue(
    user: Any, code: str | None, snapshot: CatalogueSnapshot | None = None
) -> tuple[list[Sector], list[Indicator]]:
    """Indicators (with targets) of the sectors this user may see at this region.
    `snapshot`: the catalogue this request already holds (else it is looked up)."""
    allowed = scope_of(user).sectors_at(code) if code else None
    every = snapshot.indicators if snapshot is not None else indicators_with_targets()
    indicators = [i for i in every if allowed is None or i.sector.code in allowed]
    sectors: dict[int, Sector] = {}
    for indicator in indicators:
        sectors.setdefault(indicator.sector_id, indicator.sector)
    return sorted(sectors.values(), key=lambda s: (s.order, s.code)), indicators


def _also(params: Mapping[str, str]) -> list[PeriodSpec]:
    """A requested period that is not a year (and the one before it) for the rollup query."""
    period, _notice = requested_period(params)
    if period is None or period.type is PeriodType.YEAR:
        return []
    return [period, period.previous()]


def improvement(figure: Figure) -> float:
    """The change, signed so that positive always means better."""
    change = figure.change or 0.0
    return change if figure.indicator.direction == Direction.HIGHER else -change


@dataclass
class DeltaRow:
    rank: int
    place: Place
    href: str
    before: str
    now: str
    change: str
    better: bool
    worse: bool


def delta_ranking(figures: Sequence[Figure], hrefs: dict[str, str]) -> list[DeltaRow]:
    """Most improved since the previous period first (Champions of Change)."""
    moved = sorted(
        (f for f in figures if f.change is not None), key=lambda f: (-improvement(f), f.place.code)
    )
    rows = []
    for rank, figure in enumerate(moved, start=1):
        decimals = figure.indicator.decimals
        rows.append(
            DeltaRow(
                rank=rank,
                place=figure.place,
                href=hrefs[figure.place.code],
                before=number(figure.previous, decimals),
                now=number(figure.value, decimals),
                change=signed(figure.change, decimals),
                better=improvement(figure) > 0,
                worse=improvement(figure) < 0,
            )
        )
    return rows


def breadcrumbs(ancestors: Sequence[Region], user: Any) -> list[tuple[str, str | None]]:
    """(name, dashboard link or None) from Indonesia down; links only inside the scope."""
    scope = scope_of(user)
    crumbs: list[tuple[str, str | None]] = [
        ("Indonesia", dashboard_url(INDONESIA) if scope.national else None)
    ]
    for region in ancestors:
        place = Place.of(region)
        crumbs.append((region.name, dashboard_url(place) if scope.covers(region.code) else None))
    return crumbs


def _desa_expected(place: Place, children: Sequence[Region]) -> int:
    """Desa expected to report under a place: its children for a kecamatan (no query),
    else the stored region size."""
    if place.level == Level.KECAMATAN:
        return len(children)
    return expected_desa([place]).get(place.code, 0)


def area_page(*, user: Any, region: Region | None, params: Mapping[str, str]) -> dict[str, Any]:
    place = Place.of(region) if region else INDONESIA
    ancestors = region.ancestors() if region else []
    parent = Place.of(ancestors[-1]) if ancestors else (INDONESIA if region else None)
    # Current regions only: a retired code is not expected to report (its values of earlier
    # years stay in the roll-ups of its parents).
    children = list(
        Region.objects.current()
        .children_of(region.code if region else None)
        .for_user(user)
        .only("code", "name", "level", "parent_id", "kind")
        .order_by("code")
    )
    context: dict[str, Any] = {
        "region": region,
        "place": place,
        "title": region.display_name if region else "Indonesia",
        "crumbs": breadcrumbs(ancestors, user),
        "region_href": reverse("region-detail", args=[region.code])
        if region
        else reverse("region-root"),
        "sample": sample_data_under(region.code if region else None),
    }
    if place.level < Level.KECAMATAN:
        context["idm_leftovers"] = idm_leftovers(place)
    if context["sample"] and place.level < Level.KECAMATAN:
        example = context["sample"][:8]
        context["sample_href"] = reverse("dashboard-kecamatan", args=[example])
    snapshot = catalogue_snapshot()  # one look at the catalogue stamp for the whole page
    sectors, indicators = visible_catalogue(user, region.code if region else None, snapshot)
    if not indicators:
        context["empty"] = _("Katalog indikator belum dimuat.")
        return context

    refs = [place, *([parent] if parent else [])]
    # Every local target that applies to the page's places: one query.
    book = TargetBook.for_places(
        [*(p.code for p in refs), *(r.code for r in children)],
        among=snapshot.local_target_regions,
    )
    table = yearly_table(indicators=indicators, places=refs, also=_also(params), targets=book)
    years = table.years(place.code)
    filters = choose(
        params,
        sectors=sectors,
        indicators=indicators,
        years=years,
        coverage=coverage.by_year(table, place.code, _desa_expected(place, children)),
    )
    period = filters.period
    in_sector = [i for i in indicators if i.sector_id == filters.sector.id]
    child_places = [Place.of(r) for r in children]
    child_figures = (
        compute_figures(
            indicators=in_sector,
            places=child_places,
            period=period,
            snapshot=snapshot,
            targets=book,
        )
        if child_places
        else []
    )
    by_key = {(f.place.code, f.indicator.code): f for f in child_figures}
    per_child: dict[str, list[Figure]] = {}
    for figure in child_figures:
        per_child.setdefault(figure.place.code, []).append(figure)
    expected = expected_from(per_child) if per_child else len(child_places)

    keep = filters.query(indikator="", urut="")
    # A child region opens on the same indicator, period, sector and focus theme (from the
    # map, the scorecard, the rankings and the priorities alike).
    follow = filters.query(urut="")
    hrefs = {p.code: dashboard_url(p, follow) for p in child_places}
    theme = theme_named(filters.focus) or SECTOR_VIEW
    if theme.is_sector_view:
        ranked = priorities(child_places, child_figures, hrefs)
    else:
        themed = [i for i in indicators if theme.covers(i.code)]
        ranked = priorities(
            child_places,
            compute_figures(
                indicators=themed,
                places=child_places,
                period=period,
                snapshot=snapshot,
                targets=book,
            )
            if child_places
            else [],
            hrefs,
            theme,
        )
    kelurahan = kelurahan_under([place]) if place.level < Level.DESA else {}
    totals = {place.code: expected}
    own = {
        i.code: table.figure(place, i, period, expected_for(i, place, totals, kelurahan))
        for i in indicators
    }
    parent_own = {i.code: table.figure(parent, i, period) for i in in_sector} if parent else {}

    cards = [
        scorecard.card(
            s,
            [own[i.code] for i in indicators if i.sector_id == s.id],
            href=filters.query(sektor=s.code, indikator="", urut=""),
            active=s.id == filters.sector.id,
        )
        for s in sectors
    ]
    references = [(place, "", {c: own[c] for c in (i.code for i in in_sector)})]
    if parent:
        references.append((parent, "", parent_own))
    matrix = scorecard.matrix(
        indicators=in_sector,
        children=child_places,
        figures=by_key,
        references=references,
        hrefs=hrefs,
        sort=filters.sort,
        sort_href={i.code: filters.query(urut=i.code) for i in in_sector},
    )
    chosen = [by_key[(p.code, filters.indicator.code)] for p in child_places]
    coloured, legend = choropleth.colour(region_map(children, hrefs), chosen)
    if place.level == Level.KECAMATAN:
        shown = params.get("lapisan") == LAYER
        context.update(
            layer=facility_layer(coloured, [p.code for p in child_places]) if shown else None,
            layer_href=filters.query(lapisan="" if shown else LAYER),
        )
    trend_years = sorted(set(years) | set(table.years(parent.code) if parent else []))
    series = [(place.name, "self", _yearly(table, place, filters.indicator, trend_years))]
    if parent:
        series.append(
            (parent.name, "parent", _yearly(table, parent, filters.indicator, trend_years))
        )
    current = own[filters.indicator.code]
    target = current.target
    elements = counted_elements()
    context.update(
        filters=filters,
        sectors=sectors,
        in_sector=in_sector,
        parent=parent,
        children=child_places,
        child_level=child_places[0].level if child_places else None,
        cards=cards,
        matrix=matrix,
        map=coloured,
        legend=legend,
        legend_shades=any(e.css.startswith("q") for e in legend),
        ranking=charts.ranking(chosen, hrefs),
        deltas=delta_ranking(chosen, hrefs),
        previous=period.previous(),
        trend=charts.trend(
            filters.indicator, trend_years, series, target.value if target else None
        ),
        series=series,
        current=current,
        current_cell=scorecard.cell(current),
        current_counts=scorecard.counts_text(current, elements),
        formula_numerator=named_expression(filters.indicator.numerator, elements),
        formula_denominator=named_expression(filters.indicator.denominator, elements),
        current_target=scorecard.target_text(filters.indicator, current),
        parent_cell=scorecard.cell(parent_own[filters.indicator.code]) if parent else None,
        looks=ORDER,
        unsort_href=filters.query(urut=""),
        coverage=percent(current.reporting / current.expected * 100 if current.expected else None),
        priorities=ranked,
        themes=THEMES,
        worst=[
            (
                w,
                reverse("recommendations", args=[w.place.code]) + f"?periode={period.year}"
                if w.place.level == Level.DESA
                else "",
            )
            for w in ranked.worst_problems()
        ],
        idm_classes=class_counts(place.code, period.year)
        if filters.sector.code == "indeks_desa"
        else [],
        has_data=any(f.reporting for f in own.values()),
        budget_href=reverse("budget-alignment", args=[place.code]) + keep
        if place.level == Level.KECAMATAN
        else None,
    )
    return context


def idm_leftovers(place: Place) -> tuple[LeftoverCount, str] | None:
    """The rows of the latest IDM import under a province, kabupaten or the country that
    matched no desa of today's list, with the link to their list (one query)."""
    found = leftover_count(place.code)
    if found is None:
        return None
    href = (
        reverse("intake-idm-leftovers-national")
        if place.code == NATIONAL
        else reverse("intake-idm-leftovers-area", args=[place.code])
    )
    return found, href


def counted_elements() -> dict[str, DataElement]:
    """Data elements by code with their names: from the catalogue snapshot the page has just
    read (no query), else one small query."""
    held = held_snapshot()
    if held is not None:
        return held.elements
    rows = DataElement.objects.only("code", "name_id", "name_en", "value_type")
    return {e.code: e for e in rows}


def _yearly(
    table: Table, place: Place, indicator: Indicator, years: Sequence[int]
) -> dict[int, float | None]:
    return {
        y: table.value(place.code, indicator.code, PeriodSpec(y, 1, PeriodType.YEAR)) for y in years
    }


@dataclass
class IndicatorLine:
    indicator: Indicator
    cell: scorecard.Cell
    target: str
    target_source: str  # a local target says whose ("RPJMD Kabupaten Sleman"); else national
    kecamatan: scorecard.Cell
    kabupaten: scorecard.Cell
    rank: str
    change: str
    counts: str = ""


@dataclass
class SectorBlock:
    sector: Sector
    lines: list[IndicatorLine]
    reported: int
    completeness: str


def desa_page(*, user: Any, region: Region, params: Mapping[str, str]) -> dict[str, Any]:
    place = Place.of(region)
    ancestors = region.ancestors()
    kecamatan = Place.of(ancestors[-1])
    kabupaten = Place.of(ancestors[-2])
    context: dict[str, Any] = {
        "region": region,
        "place": place,
        "title": region.display_name,
        "crumbs": breadcrumbs(ancestors, user),
        "region_href": reverse("region-detail", args=[region.code]),
        "sample": sample_data_under(region.code),
        "kecamatan": kecamatan,
        "kabupaten": kabupaten,
        **facilities_summary.desa_context(region.code),
    }
    snapshot = catalogue_snapshot()
    sectors, indicators = visible_catalogue(user, region.code, snapshot)
    if not indicators:
        context["empty"] = _("Katalog indikator belum dimuat.")
        return context
    # The desa's kabupaten and province.
    book = TargetBook.for_places([place.code], among=snapshot.local_target_regions)
    table = yearly_table(
        indicators=indicators, places=[kecamatan, kabupaten], also=_also(params), targets=book
    )
    years = table.years(kecamatan.code)
    siblings = [
        Place.of(r)
        for r in Region.objects.current()
        .children_of(kecamatan.code)
        .only("code", "name", "level", "parent_id")
    ]
    filters = choose(
        params,
        sectors=sectors,
        indicators=indicators,
        years=years,
        coverage=coverage.by_year(table, kecamatan.code, len(siblings)),
    )
    period = filters.period
    figures = {
        f.indicator.code: f
        for f in compute_figures(
            indicators=indicators,
            places=[place],
            period=period,
            rank_among=siblings,
            snapshot=snapshot,
            targets=book,
        )
    }
    blocks = []
    elements = counted_elements()
    for sector in sectors:
        lines = []
        for indicator in (i for i in indicators if i.sector_id == sector.id):
            figure = figures[indicator.code]
            lines.append(
                IndicatorLine(
                    indicator=indicator,
                    cell=scorecard.cell(figure),
                    target=scorecard.target_text(indicator, figure),
                    target_source=(
                        figure.target.source_name
                        if figure.target and figure.target.is_local
                        else ""
                    ),
                    kecamatan=scorecard.cell(table.figure(kecamatan, indicator, period)),
                    kabupaten=scorecard.cell(table.figure(kabupaten, indicator, period)),
                    rank=f"{figure.rank}/{figure.rank_of}" if figure.rank else "–",
                    change=scorecard.change_text(figure),
                    counts=scorecard.counts_text(figure, elements),
                )
            )
        reported = sum(1 for line in lines if figures[line.indicator.code].value is not None)
        blocks.append(SectorBlock(sector, lines, reported, percent(reported / len(lines) * 100)))
    all_figures = list(figures.values())
    reported = sum(1 for f in all_figures if f.value is not None)
    trend_years = sorted(set(years) | set(table.years(kabupaten.code)))
    own_trend = desa_table(
        indicators=[filters.indicator],
        places=[place],
        periods=[PeriodSpec(y, 1, PeriodType.YEAR) for y in trend_years],
        targets=book,
    )
    series = [
        (place.name, "self", _yearly(own_trend, place, filters.indicator, trend_years)),
        (kecamatan.name, "parent", _yearly(table, kecamatan, filters.indicator, trend_years)),
        (kabupaten.name, "grandparent", _yearly(table, kabupaten, filters.indicator, trend_years)),
    ]
    target = figures[filters.indicator.code].target
    idm = figures.get("IDM_SKOR")
    official = official_class(region.code, period.year)
    scope = scope_of(user)
    context.update(desa_budget(region.code, period.year, {s.code: s.name_id for s in sectors}))
    state = state_of(region=region.code, period=period.code)
    context.update(
        approval=State(state).label,
        approval_href=reverse("approval", args=[region.code, period.code]),
    )
    context.update(
        filters=filters,
        sectors=sectors,
        in_sector=[i for i in indicators if i.sector_id == filters.sector.id],
        blocks=blocks,
        previous=period.previous(),
        completeness=percent(reported / len(all_figures) * 100),
        reported=reported,
        total=len(all_figures),
        behind=sum(1 for f in all_figures if look_of(f.status).key == "bad"),
        idm_score=number(idm.value, 4) if idm and idm.value is not None else None,
        idm_status=official or class_of_score(idm.value if idm else None),
        idm_official=official is not None,
        trend=charts.trend(
            filters.indicator, trend_years, series, target.value if target else None
        ),
        series=series,
        has_data=reported > 0,
        kecamatan_href=dashboard_url(kecamatan, filters.query(indikator="", urut=""))
        if scope.covers(kecamatan.code)
        else None,
    )
    return context
