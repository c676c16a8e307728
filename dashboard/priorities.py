"""Desa prioritas: which desa to help first, by a score anyone can recompute.

For each indicator with a target that is a percentage of a target population,

    share behind  g = gap to target (percentage points) ÷ 100
                    = people behind ÷ the indicator's target population
    severity      s = g ÷ the largest g among the desa of the area (1 = furthest behind here)

and a desa's score is the weighted mean of its severities, × 100:

    score = 100 × Σ w·s ÷ Σ w   over the indicators scored for that desa

The weights are 1 for every indicator of the chosen sector, or those of a focus theme
(analytics/focus.py). Dividing by the target population keeps a large denominator (every
resident aged 15–59) from deciding the list; dividing by the area's largest gap keeps an
indicator that is far from target everywhere from being every desa's top problem by
construction. People behind (g × target population) are still shown, so the list names
how many people a problem concerns. A desa without data is not scored (an empty report must
not look like a good one): it is listed apart, as a data gap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analytics.figures import Figure, Place
from analytics.focus import SECTOR_VIEW, Theme
from analytics.formatting import number
from analytics.gaps import share_behind


@dataclass
class Part:
    figure: Figure
    gap: str  # percentage points
    denominator: str
    people: str
    people_value: float
    severity: float  # 0–1: 1 = furthest behind among the area's desa
    weight: float


@dataclass
class Priority:
    place: Place
    href: str
    rank: int
    score: float
    score_text: str
    parts: list[Part]  # weighted severity first; only indicators short of target

    @property
    def main(self) -> Part | None:
        return self.parts[0] if self.parts else None


@dataclass
class Problem:
    """One line of "masalah terbesar": an indicator, a desa and the people it concerns."""

    part: Part
    place: Place
    href: str


@dataclass
class Priorities:
    ranked: list[Priority]
    without_data: list[Place]
    scored_indicators: int
    theme: Theme = SECTOR_VIEW

    def worst_problems(self, limit: int = 3) -> list[Problem]:
        """The main problem of the desa ranked first, second, …, one line per indicator."""
        seen: set[str] = set()
        out: list[Problem] = []
        for priority in self.ranked:
            main = priority.main
            if main is None or main.figure.indicator.code in seen:
                continue
            seen.add(main.figure.indicator.code)
            out.append(Problem(main, priority.place, priority.href))
            if len(out) == limit:
                break
        return out


def priorities(
    children: Sequence[Place],
    figures: Iterable[Figure],
    hrefs: dict[str, str],
    theme: Theme = SECTOR_VIEW,
) -> Priorities:
    """Rank `children` on `figures`: all of them (weight 1) for the sector view, or the
    theme's indicators with the theme's weights."""
    by_place: dict[str, list[tuple[Figure, float]]] = {p.code: [] for p in children}
    largest: dict[str, float] = {}
    for figure in figures:
        weight = theme.weight_of(figure.indicator.code)
        share = share_behind(figure)
        if weight <= 0 or share is None:
            continue
        by_place.setdefault(figure.place.code, []).append((figure, share))
        code = figure.indicator.code
        largest[code] = max(largest.get(code, 0.0), share)
    scored: list[tuple[float, Place, list[Part]]] = []
    without: list[Place] = []
    for place in children:
        entries = by_place.get(place.code, [])
        if not entries:
            without.append(place)
            continue
        parts: list[Part] = []
        total = weight_sum = 0.0
        for figure, share in entries:
            weight = theme.weight_of(figure.indicator.code)
            top = largest[figure.indicator.code]
            severity = share / top if top > 0 else 0.0
            total += weight * severity
            weight_sum += weight
            if share > 0:
                gap = share * 100
                people = share * (figure.denominator or 0.0)
                parts.append(
                    Part(
                        figure=figure,
                        gap=number(gap, figure.indicator.decimals),
                        denominator=number(figure.denominator, 0),
                        people=number(people, 0),
                        people_value=people,
                        severity=severity,
                        weight=weight,
                    )
                )
        # Weighted severity first; then the heavier weight, then the catalogue code.
        parts.sort(key=lambda p: (-p.weight * p.severity, -p.weight, p.figure.indicator.code))
        scored.append((100 * total / weight_sum, place, parts))
    # Highest score first; ties in code order so the list is stable between requests.
    scored.sort(key=lambda s: (-round(s[0], 6), s[1].code))
    ranked = [
        Priority(place, hrefs[place.code], rank, score, number(score, 0), parts)
        for rank, (score, place, parts) in enumerate(scored, start=1)
    ]
    return Priorities(ranked, without, len(largest), theme)
