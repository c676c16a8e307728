"""GET /api/v1/analytics: one indicator for one region (or its children) and one period.

The view parses, asks `place_for_request` (the single place where the caller's region scope
is applied), computes with analytics.figures and serialises. Values are JSON numbers or
null; a null always comes with the reason.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from accounts.scoping import region_for_user_or_404, scope_of
from analytics import jsonout
from analytics.figures import (
    INDONESIA,
    Figure,
    Place,
    figure_for,
    figures_for_children,
)
from analytics.models import NATIONAL
from analytics.snapshot import catalogue_snapshot
from catalog.periods import BadPeriod, parse_period

router = Router(tags=["analitik"])


class RegionRef(Schema):
    code: str
    name: str
    level: int


class Coverage(Schema):
    reporting: int
    expected: int


class TargetRef(Schema):
    """The most local target in force (kabupaten/kota over province over national)."""

    value: float
    legal_basis: str
    level: str  # "kabupaten", "provinsi" or "nasional": whose target it is
    region_code: str | None
    label: str
    valid_from: int
    valid_to: int | None
    verified: bool


class FigureOut(Schema):
    region: RegionRef
    indicator: str
    period: str
    value: float | None
    numerator: float | None
    denominator: float | None
    unit: str
    reason: str | None
    coverage: Coverage
    status: str | None
    status_reason: str | None
    target: TargetRef | None
    rank: int | None
    rank_of: int
    previous_value: float | None
    change: float | None


class ErrorOut(Schema):
    detail: str


def place_for_request(request: HttpRequest, code: str) -> Place:
    """The region the caller asked for, if their scope covers it; 404 otherwise.

    Indonesia as a whole ("ID", or no region) needs a national scope.
    """
    if code in ("", NATIONAL):
        if not scope_of(request.user).national:
            raise Http404("national figures need a national scope")
        return INDONESIA
    return Place.of(region_for_user_or_404(request, code))


def _out(figure: Figure) -> dict[str, Any]:
    """The JSON object of one figure, in FigureOut's shape (built as plain data: checking
    each object against the schema cost more than computing the figure; the tests check
    the shape)."""
    target = figure.target
    place = figure.place
    return {
        "region": {"code": place.code, "name": place.name, "level": place.level},
        "indicator": figure.indicator.code,
        "period": figure.period.code,
        "value": figure.value,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "unit": figure.indicator.unit,
        "reason": _(figure.reason) if figure.reason else None,
        "coverage": {"reporting": figure.reporting, "expected": figure.expected},
        "status": figure.status.value if figure.status else None,
        "status_reason": _(figure.status_reason) if figure.status_reason else None,
        "target": (
            {
                "value": target.value,
                "legal_basis": target.legal_basis,
                "level": target.level_name,
                "region_code": target.region_code,
                "label": target.label,
                "valid_from": target.valid_from,
                "valid_to": target.valid_to,
                "verified": target.verified,
            }
            if target
            else None
        ),
        "rank": figure.rank,
        "rank_of": figure.rank_of,
        "previous_value": figure.previous,
        "change": figure.change,
    }


def _json(data: object) -> HttpResponse:
    return HttpResponse(jsonout.dumps(data), content_type="application/json")


@router.get(
    "/analytics",
    response={200: FigureOut | list[FigureOut], 400: ErrorOut, 404: ErrorOut},
    summary="Nilai indikator untuk satu wilayah atau wilayah di bawahnya",
)
def indicator_values(
    request: HttpRequest, indicator: str, period: str, region: str = "", level: str = ""
) -> HttpResponse:
    try:
        spec = parse_period(period)
    except BadPeriod as exc:
        raise HttpError(400, str(exc)) from None
    if level not in ("", "children"):
        raise HttpError(
            400, _("level=%(level)s tidak dikenal; hanya 'children'.") % {"level": repr(level)}
        )
    snapshot = catalogue_snapshot()
    found = snapshot.indicators_named({indicator})
    if not found:
        raise HttpError(400, _("Indikator %(code)s tidak dikenal.") % {"code": repr(indicator)})
    place = place_for_request(request, region.strip())
    if place.code != NATIONAL:
        sectors = scope_of(request.user).sectors_at(place.code)
        if sectors is not None and found[0].sector.code not in sectors:
            raise Http404("sector outside the user's scope")
    if level == "children":
        return _json([_out(f) for f in figures_for_children(found[0], place, spec, snapshot)])
    return _json(_out(figure_for(found[0], place, spec, snapshot)))
