"""Musrenbang kecamatan escalations: problems that are kabupaten authority, per OPD and sector.

What the camat has marked as a kabupaten matter is a follow-up owned by an OPD
(planning/followups.py). They are listed grouped by OPD, then sector, with the desa
concerned and the evidence — the indicator's value, target and people behind for the year —
so the list can go to the kecamatan's Musrenbang as it is.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from analytics.figures import Figure, Place, compute_figures
from analytics.gaps import people_behind
from analytics.snapshot import catalogue_snapshot
from catalog.models import Indicator
from planning.followups import FollowUp, Owner, Status
from planning.recommendations import year_of
from regions.models import Region


@dataclass
class Escalation:
    follow_up: FollowUp
    figure: Figure | None
    people: float | None


@dataclass
class SectorGroup:
    sector_code: str
    sector_name: str
    items: list[Escalation] = field(default_factory=list)


@dataclass
class OpdGroup:
    opd: str
    name: str
    sectors: list[SectorGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(s.items) for s in self.sectors)


def escalations(
    *, kecamatan: Region, year: int, sectors: Collection[str] | None = None
) -> list[OpdGroup]:
    follow_ups = list(
        FollowUp.objects.under(kecamatan.code)
        .in_sectors(sectors)
        .filter(owner=Owner.OPD)
        .exclude(status=Status.DROPPED)
        .select_related("desa", "indicator__sector")
        .order_by("opd", "indicator__sector__order", "desa_id", "pk")
    )
    figures: dict[tuple[str, str], Figure] = {}
    # The catalogue's own indicators, their targets loaded: the follow-ups' indicators
    # would read their national targets once per desa and indicator.
    snapshot = catalogue_snapshot()
    indicators: dict[str, Indicator] = {
        f.indicator.code: snapshot.by_code.get(f.indicator.code, f.indicator) for f in follow_ups
    }
    places = {f.desa_id: Place.of(f.desa) for f in follow_ups}
    if follow_ups:
        for figure in compute_figures(
            indicators=list(indicators.values()),
            places=list(places.values()),
            period=year_of(year),
            snapshot=snapshot,
        ):
            figures[(figure.place.code, figure.indicator.code)] = figure
    groups: dict[str, OpdGroup] = {}
    for item in follow_ups:
        group = groups.setdefault(item.opd, OpdGroup(item.opd, item.get_opd_display()))
        sector = item.indicator.sector
        if not group.sectors or group.sectors[-1].sector_code != sector.code:
            group.sectors.append(SectorGroup(sector.code, sector.name_id))
        evidence = figures.get((item.desa_id, item.indicator.code))
        group.sectors[-1].items.append(
            Escalation(item, evidence, people_behind(evidence) if evidence else None)
        )
    return list(groups.values())
