"""Status of a figure against its target. The rules, written down once:

1. No value (no desa reported, or the denominator is zero) → "tidak ada data".
2. No target valid in the period's year → no status (null), reason "tidak ada target".
3. Higher is better: value ≥ target → "tercapai"; value ≥ target − band → "on track";
   otherwise "perlu percepatan".
4. Lower is better: value ≤ target → "tercapai"; value ≤ target + band → "on track";
   otherwise "perlu percepatan".

The band is the indicator's `on_track_band`, in the indicator's own unit (percentage
points for %). The value is compared after rounding to the indicator's displayed decimals,
so a figure shown as "100,0" is never labelled as short of a 100 % target. Both boundaries
belong to the better status.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_noop


class Status(StrEnum):
    ACHIEVED = "tercapai"
    ON_TRACK = "on track"
    NEEDS_ACCELERATION = "perlu percepatan"
    NO_DATA = "tidak ada data"


NO_TARGET = gettext_noop("tidak ada target untuk tahun ini")  # translated where shown


def status_of(
    value: float | None,
    *,
    target: float | None,
    higher_is_better: bool,
    band: float,
    decimals: int,
) -> tuple[Status | None, str | None]:
    """(status, reason when status is None)."""
    if value is None:
        return Status.NO_DATA, None
    if target is None:
        return None, NO_TARGET
    shown = round(value, decimals)
    if higher_is_better:
        if shown >= target:
            return Status.ACHIEVED, None
        if shown >= round(target - band, 9):
            return Status.ON_TRACK, None
    else:
        if shown <= target:
            return Status.ACHIEVED, None
        if shown <= round(target + band, 9):
            return Status.ON_TRACK, None
    return Status.NEEDS_ACCELERATION, None
