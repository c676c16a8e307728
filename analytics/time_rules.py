"""Declared rules for time: how a figure of a period shorter than a year meets its target.

An indicator with time rule "cumulative" counts events over the months of the period (e.g.
infants fully immunised, summed monthly) against an annual target population, so a quarter
can only reach about a quarter of the annual target. Its status is judged against the share
of the annual target due in the period — target × months of the period ÷ 12 — instead of the
whole annual target (which would call every first quarter "behind", and a year "102 %").
Every other indicator (a level or a prevalence) is judged against the annual target as is.
"""

from __future__ import annotations

from catalog.models import Direction, Indicator, TimeRule
from catalog.periods import PeriodSpec
from catalog.targets import TargetInForce


def share_due(indicator: Indicator, period: PeriodSpec) -> float:
    """The share of the annual target due by the end of a period of this length."""
    if indicator.time_rule == TimeRule.CUMULATIVE and period.type.months < 12:
        return period.type.months / 12
    return 1.0


def target_due(
    indicator: Indicator, target: TargetInForce | None, period: PeriodSpec
) -> float | None:
    """The target value the period's figure is judged against (None without a target).

    A cumulative count towards a "higher is better" target is scaled by the share due; a
    "lower is better" target (a ceiling) is never scaled.
    """
    if target is None:
        return None
    if indicator.direction == Direction.LOWER:
        return target.value
    return target.value * share_due(indicator, period)
