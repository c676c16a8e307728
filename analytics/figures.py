"""Indicator figures for any region and period.

value = Σ numerator / Σ denominator × factor over the desa below that reported every
element the indicator needs — never an average of percentages. Regions above desa are read
from IndicatorRollup (a handful of rows however many desa lie below); a desa is computed
from its own values with the same rules the roll-ups use (analytics/derivation.py).
A figure that cannot be computed is None with a reason; nothing is ever shown as 0 for
want of a denominator.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_noop

from analytics.derivation import Catalogue, contribution
from analytics.models import NATIONAL, IndicatorRollup
from analytics.reading import fetch_points
from analytics.snapshot import CatalogueSnapshot, catalogue_snapshot
from analytics.status import Status, status_of
from analytics.time_rules import target_due
from catalog.models import Direction, Indicator, Reporters
from catalog.periods import PeriodSpec
from catalog.targets import TargetBook, TargetInForce, national_target
from regions.models import Kind, Level, Region, RegionSize, within_code

# Reasons are Indonesian source strings, translated where they are shown (gettext).
NO_DATA = gettext_noop("tidak ada desa yang melapor")
ZERO_DENOMINATOR = gettext_noop("penyebut nol")
TOO_FINE = gettext_noop("indikator tidak dihitung untuk periode sependek ini")


@dataclass(frozen=True, slots=True)
class Place:
    """A region, or Indonesia as a whole (code NATIONAL, level 0)."""

    code: str
    name: str
    level: int
    parent_code: str | None

    @classmethod
    def of(cls, region: Region) -> Place:
        return cls(region.code, region.name, region.level, region.parent_id)


INDONESIA = Place(NATIONAL, "Indonesia", 0, None)


@dataclass
class Figure:
    place: Place
    indicator: Indicator
    period: PeriodSpec
    value: float | None
    numerator: float | None
    denominator: float | None
    reporting: int
    expected: int
    reason: str | None
    status: Status | None
    status_reason: str | None
    target: TargetInForce | None  # the most local target in force, saying which it is
    rank: int | None = None
    rank_of: int = 0
    previous: float | None = None
    change: float | None = None


def indicators_with_targets(codes: Sequence[str] | None = None) -> list[Indicator]:
    """Indicators in catalogue order with their sector and targets (from the snapshot of
    the catalogue in memory: shared objects, to be read only)."""
    snapshot = catalogue_snapshot()
    if codes is None:
        return list(snapshot.indicators)
    return snapshot.indicators_named(set(codes))


def children_of(place: Place) -> list[Place]:
    """The current regions under a place (a retired code is no one's child any more)."""
    regions = Region.objects.current().only("code", "name", "level", "parent_id")
    if place.level == 0:
        return [Place.of(r) for r in regions.filter(level=Level.PROVINSI)]
    return [Place.of(r) for r in regions.filter(parent_id=place.code)]


def siblings_of(place: Place) -> list[Place]:
    if place.level == 0:
        return [place]
    if place.parent_code is None:
        return children_of(INDONESIA)
    parent = Place(place.parent_code, "", place.level - 1, None)
    return children_of(parent)


def expected_desa(places: Sequence[Place]) -> dict[str, int]:
    """Current desa/kelurahan under each place (retired codes are not expected to report);
    kept in RegionSize, counted when missing there."""
    wanted = [p.code for p in places if p.level < Level.DESA]
    sizes = dict(
        RegionSize.objects.filter(region_code__in=wanted).values_list("region_code", "desa")
    )
    for code in wanted:
        if code not in sizes:
            desa = Region.objects.current().filter(level=Level.DESA)
            sizes[code] = (desa if code == NATIONAL else desa.filter(within_code(code))).count()
    sizes.update({p.code: 1 for p in places if p.level == Level.DESA})
    return sizes


def kelurahan_under(places: Sequence[Place]) -> dict[str, int]:
    """Kelurahan under each place above desa (kept in RegionSize, counted when missing there):
    with expected_desa, the expected reporters of an indicator only desa (or only kelurahan)
    report."""
    above = [p for p in places if p.level < Level.DESA]
    if not above:
        return {}
    stored = dict(
        RegionSize.objects.filter(region_code__in=[p.code for p in above]).values_list(
            "region_code", "kelurahan"
        )
    )
    if len(stored) == len({p.code for p in above}):
        return {p.code: stored[p.code] for p in above}
    # Sizes not stored yet (before the first rebuild): counted.
    rows = Region.objects.current().filter(level=Level.DESA, kind=Kind.KELURAHAN)
    if all(p.code != NATIONAL for p in above):
        # The deepest code every place lies in ("34.04" for the kecamatan of Sleman).
        parts = [p.code.split(".") for p in above]
        common: list[str] = []
        for segment in zip(*parts, strict=False):
            if len(set(segment)) != 1:
                break
            common.append(segment[0])
        if len(common) == min(len(x) for x in parts):
            common = common[:-1]  # a place is itself the common prefix: look under its parent
        if common:
            rows = rows.filter(within_code(".".join(common)))
    codes = list(rows.values_list("code", flat=True))
    by_length: dict[int, Counter[str]] = {}
    for place in above:
        if place.code != NATIONAL and len(place.code) not in by_length:
            by_length[len(place.code)] = Counter(c[: len(place.code)] for c in codes)
    return {
        p.code: len(codes) if p.code == NATIONAL else by_length[len(p.code)][p.code] for p in above
    }


def expected_for(
    indicator: Indicator, place: Place, expected: dict[str, int], kelurahan: dict[str, int]
) -> int:
    """How many desa/kelurahan under `place` are expected to report `indicator`."""
    total = expected.get(place.code, 0)
    if place.level == Level.DESA or indicator.reporters == Reporters.BOTH:
        return total
    kel = kelurahan.get(place.code, 0)
    return kel if indicator.reporters == Reporters.KELURAHAN else total - kel


Sums = dict[tuple[str, str, PeriodSpec], tuple[float, float, int]]


def _sums(
    catalogue: Catalogue,
    indicators: Sequence[Indicator],
    places: Sequence[Place],
    periods: Sequence[PeriodSpec],
) -> Sums:
    """(Σ numerator, Σ denominator, desa reporting) per (place, indicator, period)."""
    out: Sums = {}
    by_code = {spec.code: spec for spec in periods}
    above = [p.code for p in places if p.level < Level.DESA]
    if above:
        # By indicator id: joining the indicator table for its code cost a lookup per row.
        codes = {i.id: i.code for i in indicators}
        rows = IndicatorRollup.objects.filter(
            indicator_id__in=list(codes),
            period__code__in=list(by_code),
            region_code__in=above,
        ).values_list(
            "region_code",
            "indicator_id",
            "period__code",
            "numerator",
            "denominator",
            "reporting",
        )
        for region, indicator_id, period, numerator, denominator, reporting in rows:
            key = (region, codes[indicator_id], by_code[period])
            out[key] = (numerator, denominator, reporting)
    desa = [p.code for p in places if p.level == Level.DESA]
    if desa:
        infos = [catalogue.indicators[i.code] for i in indicators if i.code in catalogue.indicators]
        elements = set().union(*(info.elements for info in infos)) if infos else set()
        points = fetch_points(catalogue, desa, elements, {p.year for p in periods})
        for code in desa:
            for info in infos:
                for spec in periods:
                    pair = contribution(info, catalogue, points.get(code, {}), spec)
                    if pair is not None:
                        out[(code, info.code, spec)] = (pair[0], pair[1], 1)
    return out


def _value(
    indicator: Indicator, sums: tuple[float, float, int] | None
) -> tuple[float | None, str | None]:
    if sums is None or sums[2] == 0:
        return None, NO_DATA
    numerator, denominator, _ = sums
    if not indicator.denominator.strip():
        return numerator * indicator.factor, None
    if denominator == 0:
        return None, ZERO_DENOMINATOR
    return numerator / denominator * indicator.factor, None


def compute_figures(
    *,
    indicators: Sequence[Indicator],
    places: Sequence[Place],
    period: PeriodSpec,
    rank_among: Sequence[Place] | None = None,
    snapshot: CatalogueSnapshot | None = None,
    targets: TargetBook | None = None,
) -> list[Figure]:
    """One figure per (place, indicator), ranked among `rank_among` (default: `places`),
    with the change since the previous period of the same type, judged against the most
    local target in force at each place. `snapshot`: the catalogue the caller already holds
    for this request (else it is looked up); `targets`: the local targets it already read
    for these places (else they are read, in one query at most)."""
    peers = list(rank_among) if rank_among is not None else list(places)
    every = {p.code: p for p in [*places, *peers]}
    previous = period.previous()
    snapshot = snapshot or catalogue_snapshot()
    catalogue = snapshot.catalogue
    if any(i.code not in snapshot.by_code for i in indicators):
        catalogue = Catalogue.load(indicators)  # not in the catalogue as stored: read afresh
    sums = _sums(catalogue, indicators, list(every.values()), [period, previous])
    expected = expected_desa(list(places))
    kelurahan = (
        kelurahan_under(list(places))
        if any(i.reporters != Reporters.BOTH for i in indicators)
        else {}
    )
    if targets is None:
        targets = TargetBook.for_places(
            (p.code for p in places), among=snapshot.local_target_regions
        )
    figures: list[Figure] = []
    for indicator in indicators:
        higher = indicator.direction == Direction.HIGHER
        info = catalogue.indicators.get(indicator.code)
        too_fine = info is not None and period.type < info.finest
        peer_values = {
            p.code: _value(indicator, sums.get((p.code, indicator.code, period)))[0] for p in peers
        }
        ranked = sorted((v for v in peer_values.values() if v is not None), reverse=higher)
        # TargetBook.target, the national part read once per indicator, not once per place.
        national = national_target(indicator, period.year)
        for place in places:
            before, _ = _value(indicator, sums.get((place.code, indicator.code, previous)))
            figure = build_figure(
                indicator,
                place,
                period,
                sums.get((place.code, indicator.code, period)),
                target=targets.local_target(indicator, place.code, period.year) or national,
                previous=before,
                expected=expected_for(indicator, place, expected, kelurahan),
                too_fine=too_fine,
            )
            value = figure.value
            if value is not None and place.code in peer_values:
                # Competition ranking: equal values share a rank (1, 2, 2, 4).
                figure.rank = 1 + sum(1 for v in ranked if (v > value if higher else v < value))
            figure.rank_of = len(ranked)
            figures.append(figure)
    return figures


def build_figure(
    indicator: Indicator,
    place: Place,
    period: PeriodSpec,
    sums: tuple[float, float, int] | None,
    *,
    target: TargetInForce | None,
    previous: float | None,
    expected: int,
    too_fine: bool = False,
) -> Figure:
    """The one way a figure is made from its sums: value (or why not), status against the
    target due in `period`, and the change since `previous`; unranked (the caller ranks)."""
    value, reason = _value(indicator, sums)
    if too_fine:
        reason = TOO_FINE
    status, status_reason = status_of(
        value,
        target=target_due(indicator, target, period),
        higher_is_better=indicator.direction == Direction.HIGHER,
        band=indicator.on_track_band,
        decimals=indicator.decimals,
    )
    numerator, denominator, reporting = sums if sums is not None else (None, None, 0)
    return Figure(
        place=place,
        indicator=indicator,
        period=period,
        value=value,
        numerator=numerator if reporting else None,
        denominator=denominator if reporting and indicator.denominator.strip() else None,
        # Values of a desa a later edition retired stay in the sums, but it is no longer
        # expected: "N of M desa reported" never says more than M.
        reporting=min(reporting, expected) if expected else reporting,
        expected=expected,
        reason=reason,
        status=status,
        status_reason=status_reason,
        target=target,
        previous=previous,
        change=value - previous if value is not None and previous is not None else None,
    )


def figure_for(
    indicator: Indicator,
    place: Place,
    period: PeriodSpec,
    snapshot: CatalogueSnapshot | None = None,
) -> Figure:
    """One region's figure, ranked among its siblings."""
    return compute_figures(
        indicators=[indicator],
        places=[place],
        period=period,
        rank_among=siblings_of(place),
        snapshot=snapshot,
    )[0]


def figures_for_children(
    indicator: Indicator,
    place: Place,
    period: PeriodSpec,
    snapshot: CatalogueSnapshot | None = None,
) -> list[Figure]:
    """One figure per child region, ranked among those children."""
    children = children_of(place)
    return compute_figures(
        indicators=[indicator], places=children, period=period, snapshot=snapshot
    )


def figures_for_place(
    indicators: Sequence[Indicator], place: Place, period: PeriodSpec
) -> list[Figure]:
    """Every given indicator for one region (a scorecard), ranked among its siblings."""
    return compute_figures(
        indicators=indicators, places=[place], period=period, rank_among=siblings_of(place)
    )
