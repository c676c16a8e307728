"""The official IDM status (Indeks Desa Membangun, Permendes 2/2016) of desa and areas.

The status is stored as published, in data element IDM_KELAS (5 Mandiri … 1 Sangat
Tertinggal), not recomputed from the score: Kemendes' class is the one a desa is judged by.
An area shows how many of its desa are in each class.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from analytics.models import NATIONAL
from datavalues.models import DataValue
from regions.models import Region, within_code

ELEMENT = "IDM_KELAS"
CLASSES = (
    (5, "Mandiri"),
    (4, "Maju"),
    (3, "Berkembang"),
    (2, "Tertinggal"),
    (1, "Sangat Tertinggal"),
)
LABEL = dict(CLASSES)

# Upper bounds of the classes on the composite score (Permendes 2/2016 Pasal 5), for desa
# without a published status.
SCORE_BANDS = ((0.4907, 1), (0.5989, 2), (0.7072, 3), (0.8155, 4))


@dataclass(frozen=True, slots=True)
class ClassCount:
    value: int
    label: str
    n: int


def class_of_score(score: float | None) -> str | None:
    if score is None:
        return None
    for upper, value in SCORE_BANDS:
        if score <= upper:
            return LABEL[value]
    return LABEL[5]


def official_class(desa_code: str, year: int) -> str | None:
    """The published status of one desa in `year`, or None without one."""
    value = (
        DataValue.objects.filter(region_id=desa_code, element__code=ELEMENT, period__code=str(year))
        .values_list("value", flat=True)
        .first()
    )
    return LABEL.get(round(value)) if value is not None else None


def class_counts(area_code: str, year: int) -> list[ClassCount]:
    """How many desa under `area_code` (NATIONAL for Indonesia) had each status in `year`;
    every class is listed, empty ones with 0. An empty list when no desa has a status."""
    rows = DataValue.objects.filter(element__code=ELEMENT, period__code=str(year))
    if area_code != NATIONAL:
        rows = rows.filter(region__in=Region.objects.filter(within_code(area_code)))
    counts = dict(rows.values_list("value").annotate(n=Count("id")).values_list("value", "n"))
    if not counts:
        return []
    return [ClassCount(v, label, counts.get(float(v), 0)) for v, label in CLASSES]
