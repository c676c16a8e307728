"""Charts as plain data for server-drawn SVG: a ranking (one bar per place, the target drawn)
and a trend (one line per place over the years, the target dashed).

Coordinates are computed here; the templates only print them. The drawing width is fixed
(360 units) and the SVG scales to the screen, so a phone and a printed A4 page show the same.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from analytics.figures import Figure
from analytics.formatting import number
from catalog.models import Indicator
from dashboard.scorecard import unit_suffix, worst_first
from dashboard.statuses import Look, look_of

WIDTH = 360.0
LABEL_W = 118.0  # place names (up to 17 characters), right-aligned at this x
BAR_X = 122.0
BAR_W = 176.0  # the values follow in a column at the right
ROW_H = 24.0


def coord(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def short(name: str, limit: int = 17) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    name: str
    href: str
    y: str
    text_y: str
    width: str
    value_x: str
    value: str
    look: Look


@dataclass
class BarChart:
    height: str
    bars: list[Bar]
    target_x: str | None
    target_label: str
    axis_end: str


def _scale_max(indicator: Indicator, values: Sequence[float], target: float | None) -> float:
    """A round top of the scale just above the largest value or target (19 → 20, 98 → 100),
    so small rates such as stunting are not squashed against a 0–100 axis; rates above 50 %
    keep the full 0–100 axis."""
    top = max([*values, target or 0.0, 1e-9])
    if indicator.unit == "%" and 50 < top <= 100:
        return 100.0  # coverage rates: the whole way to 100 % is the honest picture
    step = 10.0 ** math.floor(math.log10(top))
    nice = float(math.ceil(top / step * 2) / 2 * step)
    return min(nice, 100.0) if indicator.unit == "%" and top <= 100 else nice


def ranking(figures: Sequence[Figure], hrefs: dict[str, str]) -> BarChart:
    """Best first (the league table); places without data at the bottom with no bar."""
    ordered = list(reversed(worst_first(f for f in figures if f.value is not None)))
    ordered += [f for f in figures if f.value is None]
    indicator = figures[0].indicator if figures else None
    # One target line only when every place is judged against the same number: children of a
    # province can each have their own kabupaten target (their bars' colours say how each
    # stands against it).
    shared = {f.target.value if f.target else None for f in figures}
    target = shared.pop() if len(shared) == 1 else None
    values = [f.value for f in ordered if f.value is not None]
    top = _scale_max(indicator, values, target) if indicator else 1.0
    bars = []
    for index, figure in enumerate(ordered):
        y = index * ROW_H + 4
        width = (figure.value or 0.0) / top * BAR_W
        suffix = unit_suffix(figure.indicator) if figure.value is not None else ""
        bars.append(
            Bar(
                label=short(figure.place.name),
                name=figure.place.name,
                href=hrefs[figure.place.code],
                y=coord(y),
                text_y=coord(y + 9),
                width=coord(max(width, 0.0)),
                # A column of values right of the bar area: the target line never crosses them.
                value_x=coord(BAR_X + BAR_W + 4),
                value=(
                    number(figure.value, figure.indicator.decimals) + suffix
                    if figure.value is not None
                    else str(look_of(figure.status).word)
                ),
                look=look_of(figure.status),
            )
        )
    target_x = coord(BAR_X + target / top * BAR_W) if target is not None else None
    label = ""
    if target is not None and indicator is not None:
        label = f"target {number(target, indicator.decimals)}{unit_suffix(indicator)}"
    return BarChart(
        height=coord(len(ordered) * ROW_H + 22),
        bars=bars,
        target_x=target_x,
        target_label=label,
        axis_end=number(top, 0),
    )


@dataclass(frozen=True, slots=True)
class Point:
    x: str
    y: str
    label: str


@dataclass
class Line:
    name: str
    css: str
    points: list[Point]
    path: str
    last: Point | None


@dataclass
class TrendChart:
    lines: list[Line]
    years: list[Point]  # x positions of the year labels
    target_y: str | None
    target_label: str
    ticks: list[Point]  # y axis: value labels
    empty: bool


TREND_H = 170.0
TOP, BOTTOM, LEFT, RIGHT = 12.0, 146.0, 40.0, 320.0


def trend(
    indicator: Indicator,
    years: Sequence[int],
    series: Sequence[tuple[str, str, dict[int, float | None]]],
    target: float | None,
) -> TrendChart:
    """`series`: (name, css class, year → value) per line, e.g. the kecamatan and kabupaten."""
    values = [v for _, _, by_year in series for v in by_year.values() if v is not None]
    if not years or not values:
        return TrendChart([], [], None, "", [], True)
    candidates = [*values, *([target] if target is not None else [])]
    low, high = min(candidates), max(candidates)
    span = max(high - low, 1e-9)
    step = 10 ** math.floor(math.log10(span)) if span > 0 else 1.0
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step
    if high == low:
        high = low + step

    def x_of(year: int) -> float:
        if len(years) == 1:
            return (LEFT + RIGHT) / 2
        return LEFT + (year - years[0]) / (years[-1] - years[0]) * (RIGHT - LEFT)

    def y_of(value: float) -> float:
        return BOTTOM - (value - low) / (high - low) * (BOTTOM - TOP)

    decimals = indicator.decimals
    suffix = unit_suffix(indicator)
    lines = []
    for name, css, by_year in series:
        points = [
            Point(coord(x_of(y)), coord(y_of(v)), number(v, decimals) + suffix)
            for y in years
            if (v := by_year.get(y)) is not None
        ]
        path = " ".join(("M" if i == 0 else "L") + f"{p.x} {p.y}" for i, p in enumerate(points))
        lines.append(Line(name, css, points, path, points[-1] if points else None))
    ticks = [
        Point(coord(LEFT - 4), coord(y_of(v)), number(v, max(0, decimals - 1)))
        for v in (low, (low + high) / 2, high)
    ]
    target_y = coord(y_of(target)) if target is not None and low <= target <= high else None
    label = f"target {number(target, decimals)}{suffix}" if target is not None else ""
    return TrendChart(
        lines=lines,
        years=[Point(coord(x_of(y)), coord(TREND_H - 8), str(y)) for y in years],
        target_y=target_y,
        target_label=label,
        ticks=ticks,
        empty=False,
    )
