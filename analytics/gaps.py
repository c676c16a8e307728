"""How far a figure is behind its target, in people: the measure priorities, recommendations,
proposals and escalations rank by (docs/MUSRENBANG.md)."""

from __future__ import annotations

from analytics.figures import Figure
from catalog.models import Direction


def share_behind(figure: Figure) -> float | None:
    """Gap to target as a share of the target population; None when not scorable."""
    indicator = figure.indicator
    if indicator.unit != "%" or indicator.factor != 100 or figure.target is None:
        return None
    if figure.value is None or figure.denominator is None:
        return None
    if indicator.direction == Direction.HIGHER:
        gap = max(0.0, figure.target.value - figure.value)
    else:
        gap = max(0.0, figure.value - figure.target.value)
    return gap / 100


def people_behind(figure: Figure) -> float | None:
    """Gap to target × denominator; None when the indicator or the desa cannot be scored."""
    share = share_behind(figure)
    if share is None or figure.denominator is None:
        return None
    return share * figure.denominator
