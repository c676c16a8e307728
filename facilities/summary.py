"""What the desa page shows of the register and the population profile."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from facilities import population as pop
from facilities.models import Facility, FacilityType


@dataclass(frozen=True, slots=True)
class KindCount:
    label: str
    active: int
    inactive: int


def facility_counts(desa_code: str) -> list[KindCount]:
    rows = {
        r["kind"]: r
        for r in Facility.objects.filter(desa_id=desa_code)
        .values("kind")
        .annotate(active=Count("id", filter=Q(active=True)), all=Count("id"))
    }
    return [
        KindCount(str(label), rows[kind]["active"], rows[kind]["all"] - rows[kind]["active"])
        for kind, label in FacilityType.choices
        if kind in rows
    ]


def desa_context(desa_code: str) -> dict[str, Any]:
    """The context of the facilities and population sections of the desa page."""
    reading = pop.read(desa_code)
    return {
        "facility_counts": facility_counts(desa_code),
        "profile": reading.profile,
        "pyramid": pop.pyramid(reading.profile) if reading.profile else None,
        "targets": reading.targets,
        "disagreements": reading.disagreements,
        "tolerance": round(pop.TOLERANCE * 100),
    }
