"""The choropleth: each child region of the map coloured by the chosen indicator.

With a target the classes are the statuses (the colour the scorecard uses, and a word in the
legend and tooltip). Without a target, four equal-count classes of the value, darker for
better, so "better" reads the same way whatever the indicator's direction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from analytics.figures import Figure
from analytics.formatting import number
from catalog.models import Direction
from dashboard.scorecard import unit_suffix
from dashboard.statuses import NO_DATA, ORDER, look_of
from regions.maps import RegionMap


@dataclass(frozen=True, slots=True)
class LegendEntry:
    css: str
    icon: str
    label: str
    count: int


def colour(region_map: RegionMap, figures: Sequence[Figure]) -> tuple[RegionMap, list[LegendEntry]]:
    by_code = {f.place.code: f for f in figures}
    has_target = any(f.target is not None for f in figures)
    css: dict[str, str] = {}
    legend: list[LegendEntry] = []
    if has_target:
        counts: dict[str, int] = {}
        for figure in figures:
            look = look_of(figure.status)
            css[figure.place.code] = f"st-{look.key}"
            counts[look.key] = counts.get(look.key, 0) + 1
        legend = [
            LegendEntry(f"st-{look.key}", look.icon, str(look.word), counts[look.key])
            for look in ORDER
            if counts.get(look.key)
        ]
    else:
        with_value = sorted(
            (f for f in figures if f.value is not None),
            key=lambda f: (
                (f.value or 0.0) * (1 if f.indicator.direction == Direction.HIGHER else -1)
            ),
        )
        classes = 4 if len(with_value) >= 4 else max(1, len(with_value))
        for index, figure in enumerate(with_value):
            css[figure.place.code] = f"q{1 + index * classes // len(with_value)}"
        for q in range(1, classes + 1):
            members = [f for f in with_value if css[f.place.code] == f"q{q}"]
            if not members:
                continue
            values = sorted(f.value for f in members if f.value is not None)
            suffix = unit_suffix(members[0].indicator)
            decimals = members[0].indicator.decimals
            label = f"{number(values[0], decimals)}–{number(values[-1], decimals)}{suffix}"
            legend.append(LegendEntry(f"q{q}", "", label, len(members)))
        missing = [f for f in figures if f.value is None]
        for figure in missing:
            css[figure.place.code] = "st-none"
        if missing:
            legend.append(LegendEntry("st-none", NO_DATA.icon, str(NO_DATA.word), len(missing)))
    shapes = []
    for shape in region_map.shapes:
        found = by_code.get(shape.code)
        if found is None:
            shapes.append(replace(shape, css_class="st-none", title=str(NO_DATA.word)))
            continue
        figure = found
        value = number(figure.value, figure.indicator.decimals)
        suffix = unit_suffix(figure.indicator) if figure.value is not None else ""
        shapes.append(
            replace(
                shape,
                css_class=css.get(shape.code, "st-none"),
                title=f"{value}{suffix} ({look_of(figure.status).word})",
            )
        )
    return replace(region_map, shapes=shapes), legend
