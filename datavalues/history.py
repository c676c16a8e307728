"""A value's history as the pages show it: every change of a desa's data element, newest
first (old → new, who, when, by which path, its source and upload).

The rows are `ValueChange`, written by `save_values` alongside every write and deletion;
they outlive the value itself, so a cleared value keeps its history.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from catalog.models import DataElement
from datavalues.models import DataValue, ValueChange
from regions.models import Region

# The most rows one page shows (a monthly element of ten years is 120 values).
SHOWN_AT_MOST = 500


@dataclass
class ElementHistory:
    element: DataElement
    # The stored value per period code (periods with a value now).
    current: dict[str, float]
    changes: list[ValueChange]


def history_of(
    *, region: Region, elements: Collection[DataElement], period: str = ""
) -> list[ElementHistory]:
    """The changes of `elements` at `region` (of one period when `period` is given)."""
    out: list[ElementHistory] = []
    for element in elements:
        changes = ValueChange.objects.filter(region=region, element=element)
        values = DataValue.objects.filter(region=region, element=element)
        if period:
            changes = changes.filter(period__code=period)
            values = values.filter(period__code=period)
        rows = list(
            changes.select_related("period", "changed_by", "upload")
            .defer("upload__content")
            .order_by("-changed_at", "-id")[:SHOWN_AT_MOST]
        )
        current = dict(values.values_list("period__code", "value"))
        out.append(ElementHistory(element, current, rows))
    return out
