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

from analytics.figures import indicators_with_targets
from analytics.formatting import number
from catalog import meaning
from catalog.models import DataElement, Direction, Indicator, Target
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
class CatalogueLine:
    indicator: Indicator
    name: str
    description: str
    target: str


def target_value_text(indicator: Indicator, target: Target) -> str:
    sign = "≥" if indicator.direction == Direction.HIGHER else "≤"
    decimals = 0 if target.value == round(target.value) else max(indicator.decimals, 1)
    unit = "%" if indicator.unit == "%" else f" {indicator.unit}"
    return f"{sign} {number(target.value, decimals)}{unit}"


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


def indicator_page(code: str) -> dict[str, Any]:
    found = {i.code: i for i in indicators_with_targets()}
    indicator = found.get(code)
    if indicator is None:
        raise Http404(_("Indikator tidak dikenal."))
    year = timezone.now().year
    elements = _elements()
    in_force = indicator.target_for(year)
    targets = [
        TargetLine(
            years=_years(t),
            value=target_value_text(indicator, t),
            basis=t.legal_basis,
            verified=t.verified,
            source_url=t.source_url,
            in_force=in_force is not None and t.pk == in_force.pk,
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
        "village": [a for a in activities if a.authority == Authority.DESA],
        "kabupaten": [a for a in activities if a.authority == Authority.KABUPATEN],
    }


def catalogue_page() -> dict[str, Any]:
    year = timezone.now().year
    sectors: dict[str, tuple[Any, list[CatalogueLine]]] = {}
    for indicator in indicators_with_targets():
        target = indicator.target_for(year)
        line = CatalogueLine(
            indicator=indicator,
            name=meaning.name(indicator),
            description=meaning.description(indicator),
            target=target_value_text(indicator, target) if target else _("tanpa target"),
        )
        sectors.setdefault(indicator.sector.code, (indicator.sector, []))[1].append(line)
    return {"title": _("Katalog indikator"), "year": year, "sectors": list(sectors.values())}
