"""What a kecamatan report contains, computed once and written as PDF, XLSX or CSV.

`kecamatan_report` gathers the analysis of the pages for one kecamatan and year — the
kecamatan's figures per sector, the desa × indicator matrix, priorities, APBDes per desa with
the evaluation flags, follow-ups and escalations, and the raw desa values with their sources —
through the same modules the pages use, so a report never disagrees with the screen.
Sectors are limited to what the requesting user may see (sector-limited kecamatan roles).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

from django.utils import timezone

from analytics.figures import Figure, Place, compute_figures, indicators_with_targets
from analytics.status import Status
from catalog.models import Indicator, Sector
from dashboard.priorities import Priorities, priorities
from datavalues.models import SAMPLE_SOURCE, DataValue
from planning.alignment import DesaBudget, budgets
from planning.escalations import OpdGroup, escalations
from planning.evaluation import Evaluation, evaluate
from planning.followups import FollowUp
from planning.recommendations import year_of
from regions.models import Level, Region


@dataclass
class SectorSummary:
    sector: Sector
    figures: list[Figure]

    def count(self, status: str) -> int:
        return sum(1 for f in self.figures if f.status == status)

    @property
    def achieved(self) -> int:
        return self.count(Status.ACHIEVED)

    @property
    def on_track(self) -> int:
        return self.count(Status.ON_TRACK)

    @property
    def behind(self) -> int:
        return self.count(Status.NEEDS_ACCELERATION)

    @property
    def no_data(self) -> int:
        return sum(1 for f in self.figures if f.value is None)


@dataclass
class RawValue:
    desa_code: str
    desa_name: str
    element: str
    element_name: str
    period: str
    value: float
    source: str


@dataclass
class KecamatanReport:
    kecamatan: Region
    kabupaten: Region | None
    year: int
    made_at: dt.datetime
    indicators: list[Indicator]
    own: list[Figure]
    summaries: list[SectorSummary]
    desa: list[Region]
    matrix: dict[tuple[str, str], Figure]
    priorities: Priorities
    budgets: dict[str, DesaBudget]
    evaluations: dict[str, Evaluation]
    follow_ups: list[FollowUp]
    escalations: list[OpdGroup]
    raw: list[RawValue] = field(default_factory=list)
    sample: bool = False  # sample values (source "contoh") are in it: it must say so

    @property
    def reporting(self) -> int:
        """Desa that reported for the year (the most of any indicator)."""
        return min(max((f.reporting for f in self.own), default=0), len(self.desa))

    @property
    def partial(self) -> bool:
        """Below the coverage threshold: the report says how few desa reported."""
        from django.conf import settings

        expected = len(self.desa)
        threshold = getattr(settings, "COVERAGE_THRESHOLD_PCT", 80)
        return bool(expected) and 100 * self.reporting / expected < threshold

    @property
    def flagged(self) -> list[tuple[Region, Evaluation]]:
        return [(d, self.evaluations[d.code]) for d in self.desa if self.evaluations[d.code].flags]


def _raw_values(kecamatan: Region, year: int, elements: Collection[str]) -> list[RawValue]:
    rows = (
        DataValue.objects.filter(
            region__parent_id=kecamatan.code, period__year=year, element__code__in=list(elements)
        )
        .select_related("region", "element", "period")
        .order_by("region_id", "element__code", "period__code")
    )
    return [
        RawValue(
            v.region_id,
            v.region.name,
            v.element.code,
            v.element.name_id,
            v.period.code,
            v.value,
            v.source,
        )
        for v in rows
    ]


def _elements(indicators: list[Indicator]) -> set[str]:
    from catalog.expressions import parse_expression

    codes: set[str] = set()
    for indicator in indicators:
        for expression in (indicator.numerator, indicator.denominator):
            if expression:
                codes.update(parse_expression(expression).elements)
    return codes


def kecamatan_report(
    *, kecamatan: Region, year: int, sectors: Collection[str] | None = None, raw: bool = True
) -> KecamatanReport:
    indicators = [
        i for i in indicators_with_targets() if sectors is None or i.sector.code in sectors
    ]
    period = year_of(year)
    place = Place.of(kecamatan)
    desa = list(
        Region.objects.current().filter(parent_id=kecamatan.code, level=Level.DESA).order_by("code")
    )
    places = [Place.of(d) for d in desa]
    own = (
        compute_figures(indicators=indicators, places=[place], period=period) if indicators else []
    )
    child = (
        compute_figures(indicators=indicators, places=places, period=period)
        if indicators and places
        else []
    )
    matrix = {(f.place.code, f.indicator.code): f for f in child}
    sector_list: dict[str, SectorSummary] = {}
    for figure in own:
        sector = figure.indicator.sector
        sector_list.setdefault(sector.code, SectorSummary(sector, [])).figures.append(figure)
    per_desa: dict[str, list[Figure]] = {d.code: [] for d in desa}
    for figure in child:
        per_desa[figure.place.code].append(figure)
    evaluations = {
        d.code: evaluate(desa=d, year=year, sectors=sectors, figures=per_desa[d.code]) for d in desa
    }
    parent = kecamatan.parent
    return KecamatanReport(
        kecamatan=kecamatan,
        kabupaten=parent,
        year=year,
        made_at=timezone.localtime(),
        indicators=indicators,
        own=own,
        summaries=sorted(sector_list.values(), key=lambda s: (s.sector.order, s.sector.code)),
        desa=desa,
        matrix=matrix,
        priorities=priorities(places, child, {p.code: "" for p in places}),
        budgets=budgets([d.code for d in desa], year),
        evaluations=evaluations,
        follow_ups=list(
            FollowUp.objects.under(kecamatan.code)
            .in_sectors(sectors)
            .select_related("desa", "indicator")
        ),
        escalations=escalations(kecamatan=kecamatan, year=year, sectors=sectors),
        raw=_raw_values(kecamatan, year, _elements(indicators)) if raw else [],
        sample=DataValue.objects.filter(
            region__in=desa, period__year=year, source=SAMPLE_SOURCE
        ).exists(),
    )
