"""Sector cards and the scorecard matrix: rows of places, columns of indicators.

Everything a template prints is prepared here as text, so templates only output variables.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from analytics.figures import Figure, Place
from analytics.formatting import number, percent, signed
from analytics.time_rules import target_due
from catalog.expressions import SUM, parse_expression
from catalog.models import DataElement, Direction, Indicator, Sector, ValueType
from dashboard.statuses import NO_DATA, ORDER, Look, look_of


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    look: Look
    title: str  # numerator / denominator and coverage, for the tooltip and screen readers
    href: str = ""  # the indicator page: what the figure means


@functools.cache
def indicator_href(code: str) -> str:
    return reverse("indicator-detail", args=[code])


def unit_suffix(indicator: Indicator) -> str:
    return "%" if indicator.unit == "%" else ""


def cell(figure: Figure) -> Cell:
    indicator = figure.indicator
    text = number(figure.value, indicator.decimals) + (
        unit_suffix(indicator) if figure.value is not None else ""
    )
    look = look_of(figure.status)
    parts = [str(look.word)]
    if figure.numerator is not None and figure.denominator is not None:
        parts.append(f"{number(figure.numerator, 0)} / {number(figure.denominator, 0)}")
    if figure.expected > 1:
        parts.append(f"{figure.reporting}/{figure.expected} desa melapor")
    return Cell(text, look, " · ".join(parts), indicator_href(indicator.code))


def target_text(indicator: Indicator, figure: Figure | None) -> str:
    target = figure.target if figure else None
    if target is None:
        return "–"
    sign = "≥" if indicator.direction == Direction.HIGHER else "≤"
    # Targets are round numbers: "≥ 90%" reads faster than "≥ 90,0%".
    decimals = 0 if target.value == round(target.value) else indicator.decimals
    annual = f"{number(target.value, decimals)}{unit_suffix(indicator)}"
    due = target_due(indicator, target, figure.period) if figure else None
    if figure is not None and due is not None and due != target.value:
        # A cumulative count in part of a year: judged against the share due so far.
        months = figure.period.type.months
        shown = f"{number(due, max(indicator.decimals, 1))}{unit_suffix(indicator)}"
        return f"{sign} {shown} ({annual} × {months}/12)"
    return f"{sign} {annual}"


def target_label(figure: Figure | None) -> str:
    """Which target a figure is judged against: "Target RPJMD Kabupaten Sleman (2021–2026)"."""
    return figure.target.label if figure is not None and figure.target is not None else ""


@dataclass
class Row:
    place: Place
    href: str
    cells: list[Cell]
    reference: bool = False

    @property
    def cells_html(self) -> SafeString:
        """The row's cells as HTML, escaped here: a matrix has hundreds of cells, and a
        template loop over them costs more than the rest of the page (docs/PERFORMANCE.md)."""
        return format_html_join(
            "",
            '<td class="st-{}" title="{}"><a href="{}"><span aria-hidden="true">{}</span> {}'
            '<span class="sr-only"> {}</span></a></td>',
            ((c.look.key, c.title, c.href, c.look.icon, c.text, c.look.word) for c in self.cells),
        )


@dataclass
class Column:
    indicator: Indicator
    target: str
    sort_href: str
    sorted_by: bool
    target_label: str = ""  # whose target the header shows


@dataclass
class Matrix:
    columns: list[Column]
    rows: list[Row]
    references: list[Row]


def worst_first(figures: Iterable[Figure]) -> list[Figure]:
    """Figures ordered from the furthest behind to the best; no data last."""
    figures = list(figures)
    with_value = [f for f in figures if f.value is not None]
    without = [f for f in figures if f.value is None]
    if with_value:
        higher = with_value[0].indicator.direction == Direction.HIGHER
        with_value.sort(key=lambda f: (f.value if higher else -(f.value or 0.0), f.place.code))
    return with_value + without


def matrix(
    *,
    indicators: Sequence[Indicator],
    children: Sequence[Place],
    figures: dict[tuple[str, str], Figure],
    references: Sequence[tuple[Place, str, dict[str, Figure]]],
    hrefs: dict[str, str],
    sort: str,
    sort_href: dict[str, str],
) -> Matrix:
    """Rows in code order, or worst first on the indicator named by `sort`."""
    order = list(children)
    if sort:
        ranked = worst_first(figures[(p.code, sort)] for p in children)
        order = [f.place for f in ranked]
    rows = [
        Row(p, hrefs[p.code], [cell(figures[(p.code, i.code)]) for i in indicators]) for p in order
    ]
    reference_rows = [
        Row(place, href, [cell(by_indicator[i.code]) for i in indicators], reference=True)
        for place, href, by_indicator in references
    ]
    first_reference = references[0][2] if references else {}
    columns = [
        Column(
            i,
            target_text(i, first_reference.get(i.code)),
            sort_href[i.code],
            sort == i.code,
            target_label(first_reference.get(i.code)),
        )
        for i in indicators
    ]
    return Matrix(columns, rows, reference_rows)


@dataclass
class Count:
    look: Look
    n: int


@dataclass
class Card:
    sector: Sector
    href: str
    active: bool
    counts: list[Count]
    indicators: int
    completeness: str  # e.g. "86%": share of desa × indicators reported
    behind: int


def card(sector: Sector, figures: Sequence[Figure], *, href: str, active: bool) -> Card:
    by_look = {look.key: 0 for look in ORDER}
    reported = expected = 0
    for figure in figures:
        by_look[look_of(figure.status).key] += 1
        reported += min(figure.reporting, figure.expected or figure.reporting)
        expected += figure.expected
    counts = [Count(look, by_look[look.key]) for look in ORDER if by_look[look.key]]
    share = reported / expected * 100 if expected else None
    return Card(
        sector=sector,
        href=href,
        active=active,
        counts=counts,
        indicators=len(figures),
        completeness=percent(share) if share is not None else str(NO_DATA.word),
        behind=by_look["bad"],
    )


def change_text(figure: Figure) -> str:
    unit = " poin" if figure.indicator.unit == "%" else ""
    return (
        signed(figure.change, figure.indicator.decimals) + unit
        if figure.change is not None
        else "–"
    )


def _plain(name: str) -> str:
    """ "Balita stunting" → "balita stunting"; an acronym ("KK masih …") keeps its case."""
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]


def counts_text(figure: Figure, elements: dict[str, DataElement]) -> str:
    """The people behind a percentage: "17 balita stunting (TB/U < −2 SD) dari 120 balita
    diukur tinggi/panjang badan"; empty when the figure is no percentage of counted people."""
    indicator = figure.indicator
    if indicator.unit != "%" or figure.numerator is None:
        return ""
    english = get_language() == "en"

    def single(expression: str) -> DataElement | None:
        if not expression.strip():
            return None
        terms = parse_expression(expression).terms
        if len(terms) != 1 or terms[0][1] != 1 or terms[0][0].kind != SUM:
            return None
        element = elements.get(terms[0][0].element)
        return element if element and element.value_type == ValueType.COUNT else None

    top = single(indicator.numerator)
    if top is None:
        return ""
    text = f"{number(figure.numerator, 0)} {_plain(top.name_en if english else top.name_id)}"
    bottom = single(indicator.denominator)
    if bottom is not None and figure.denominator is not None:
        name = _plain(bottom.name_en if english else bottom.name_id)
        text += f" {gettext('dari')} {number(figure.denominator, 0)} {name}"
    return text
