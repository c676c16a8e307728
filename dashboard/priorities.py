"""Desa prioritas: which desa to help first in a sector, by a score anyone can recompute.

For each indicator of the sector that is a percentage with a target and a denominator,

    people behind = gap to target (percentage points) ÷ 100 × the denominator (people served
                    or to be served, e.g. ibu hamil sasaran)

and the desa's score is the sum over the sector's indicators: how many people (or
households) still have to be reached for the desa to meet every target. It weighs a large
gap in a small desa and a small gap in a large desa by the same unit — people — in the
spirit of Bappenas SEPAKAT's gap × people affected. A desa without data is not scored (an
empty report must not look like a good one): it is listed apart, as a data gap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analytics.figures import Figure, Place
from catalog.models import Direction
from dashboard.numbers import number


def people_behind(figure: Figure) -> float | None:
    """Gap to target × denominator; None when the indicator or the desa cannot be scored."""
    indicator = figure.indicator
    if indicator.unit != "%" or indicator.factor != 100 or figure.target is None:
        return None
    if figure.value is None or figure.denominator is None:
        return None
    if indicator.direction == Direction.HIGHER:
        gap = max(0.0, figure.target.value - figure.value)
    else:
        gap = max(0.0, figure.value - figure.target.value)
    return gap / 100 * figure.denominator


@dataclass
class Part:
    figure: Figure
    gap: str  # percentage points
    denominator: str
    people: str
    people_value: float


@dataclass
class Priority:
    place: Place
    href: str
    rank: int
    score: float
    score_text: str
    parts: list[Part]  # largest first; only indicators short of target

    @property
    def main(self) -> Part | None:
        return self.parts[0] if self.parts else None


@dataclass
class Priorities:
    ranked: list[Priority]
    without_data: list[Place]
    scored_indicators: int


def priorities(
    children: Sequence[Place], figures: Iterable[Figure], hrefs: dict[str, str]
) -> Priorities:
    by_place: dict[str, list[Figure]] = {p.code: [] for p in children}
    for figure in figures:
        by_place.setdefault(figure.place.code, []).append(figure)
    scored_codes = {
        f.indicator.code
        for figs in by_place.values()
        for f in figs
        if f.indicator.unit == "%" and f.indicator.factor == 100 and f.target is not None
    }
    scored: list[tuple[float, Place, list[Part]]] = []
    without: list[Place] = []
    for place in children:
        parts: list[Part] = []
        any_scored = False
        for figure in by_place.get(place.code, []):
            people = people_behind(figure)
            if people is None:
                continue
            any_scored = True
            if people > 0:
                gap = abs((figure.value or 0.0) - figure.target.value)  # type: ignore[union-attr]
                parts.append(
                    Part(
                        figure=figure,
                        gap=number(gap, figure.indicator.decimals),
                        denominator=number(figure.denominator, 0),
                        people=number(people, 0),
                        people_value=people,
                    )
                )
        if not any_scored:
            without.append(place)
            continue
        parts.sort(key=lambda p: -p.people_value)
        scored.append((sum(p.people_value for p in parts), place, parts))
    # Highest score first; ties in code order so the list is stable between requests.
    scored.sort(key=lambda s: (-round(s[0], 6), s[1].code))
    ranked = [
        Priority(place, hrefs[place.code], rank, score, number(score, 0), parts)
        for rank, (score, place, parts) in enumerate(scored, start=1)
    ]
    return Priorities(ranked, without, len(scored_codes))
