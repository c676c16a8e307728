"""The indicator pages: what one indicator means (/indikator/<code>/) and the catalogue
(/indikator/). Plain definition, why it matters, how to read it, numerator and denominator
by name, data sources, targets with their legal basis, and what a desa can budget for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import landing_region_code, scope_of
from analytics.figures import indicators_with_targets
from analytics.formatting import target_text
from catalog import meaning
from catalog.models import DataElement, Indicator, Target
from catalog.targets import TargetBook, TargetInForce
from planning.activities import Activity, Authority, by_sector


@dataclass
class TargetLine:
    years: str
    value: str
    basis: str
    verified: bool
    source_url: str
    in_force: bool


@dataclass
class LocalTargetLine:
    label: str
    value: str
    basis: str
    applies: bool  # the one figures of the viewer's area are judged against


@dataclass
class CatalogueLine:
    indicator: Indicator
    name: str
    description: str
    target: str


def target_value_text(indicator: Indicator, target: Target | TargetInForce) -> str:
    return target_text(indicator, target.value)


def _years(target: Target) -> str:
    if target.valid_to is None:
        return _("sejak %(year)s") % {"year": target.valid_from}
    if target.valid_to == target.valid_from:
        return str(target.valid_from)
    return f"{target.valid_from}–{target.valid_to}"


def _elements() -> dict[str, DataElement]:
    return {e.code: e for e in DataElement.objects.all()}


def _sources(indicator: Indicator, elements: dict[str, DataElement]) -> list[str]:
    seen: dict[str, None] = {}
    for code in sorted(indicator.element_codes()):
        element = elements.get(code)
        for source in (element.sources if element else "").split(","):
            if source.strip():
                seen.setdefault(source.strip(), None)
    return list(seen)


def _local_lines(
    indicator: Indicator, roots: tuple[str, ...], book: TargetBook, year: int
) -> list[LocalTargetLine]:
    """Local targets of the indicator in force this year over the viewer's regions."""
    lines: list[LocalTargetLine] = []
    seen: set[int | None] = set()
    for root in roots:
        for position, target in enumerate(book.local_in_force(indicator, root, year)):
            if target.pk in seen:
                continue
            seen.add(target.pk)
            lines.append(
                LocalTargetLine(
                    label=target.label,
                    value=target_value_text(indicator, target),
                    basis=target.legal_basis,
                    applies=position == 0 and len(roots) == 1,
                )
            )
    return lines


def indicator_page(code: str, user: Any = None) -> dict[str, Any]:
    found = {i.code: i for i in indicators_with_targets()}
    indicator = found.get(code)
    if indicator is None:
        raise Http404(_("Indikator tidak dikenal."))
    year = timezone.now().year
    elements = _elements()
    # The viewer's area: its local targets (one query) and, with one region, the target in
    # force there; national viewers see the national target.
    roots = scope_of(user).roots if user is not None else ()
    area = landing_region_code(user) if user is not None else None
    book = TargetBook.for_places(roots)
    in_force = book.target(indicator, area, year)
    targets = [
        TargetLine(
            years=_years(t),
            value=target_value_text(indicator, t),
            basis=t.legal_basis,
            verified=t.verified,
            source_url=t.source_url,
            in_force=in_force is not None and not in_force.is_local and t.pk == in_force.pk,
        )
        for t in indicator.targets.all()
    ]
    activities: list[Activity] = by_sector().get(indicator.sector.code, [])
    factor = "" if indicator.factor == 1 else f" × {indicator.factor:g}"
    return {
        "title": f"{indicator.code} · {meaning.name(indicator)}",
        "indicator": indicator,
        "name": meaning.name(indicator),
        "description": meaning.description(indicator),
        "why": meaning.WHY.get(indicator.sector.code, ""),
        "how_to_read": meaning.how_to_read(indicator),
        "numerator": meaning.named_expression(indicator.numerator, elements),
        "denominator": meaning.named_expression(indicator.denominator, elements),
        "factor": factor,
        "sources": _sources(indicator, elements),
        "year": year,
        "in_force": in_force,
        "in_force_text": target_value_text(indicator, in_force) if in_force else "",
        "targets": targets,
        "local_targets": _local_lines(indicator, roots, book, year),
        "village": [a for a in activities if a.authority == Authority.DESA],
        "kabupaten": [a for a in activities if a.authority == Authority.KABUPATEN],
    }


def catalogue_page(user: Any = None) -> dict[str, Any]:
    year = timezone.now().year
    area = landing_region_code(user) if user is not None else None
    book = TargetBook.for_places([area])
    sectors: dict[str, tuple[Any, list[CatalogueLine]]] = {}
    for indicator in indicators_with_targets():
        target = book.target(indicator, area, year)
        text = target_value_text(indicator, target) if target else _("tanpa target")
        if target is not None and target.is_local:
            text = f"{text} ({target.source_name})"
        line = CatalogueLine(
            indicator=indicator,
            name=meaning.name(indicator),
            description=meaning.description(indicator),
            target=text,
        )
        sectors.setdefault(indicator.sector.code, (indicator.sector, []))[1].append(line)
    return {"title": _("Katalog indikator"), "year": year, "sectors": list(sectors.values())}
