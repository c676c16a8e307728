"""The data-entry form's workflow: what to show, and saving without a lost update.

Each field carries the value it showed and a version token of the stored value
(`id:updated_at`). On save, only fields the user changed are written, and only if their
stored value still has the token the form was built from; otherwise the save is refused
and the user is told the new value (optimistic locking). The check and the write happen
in one transaction after the desa row is locked, so two saves cannot interleave.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.scoping import scope_of
from catalog.models import DataElement
from catalog.periods import parse_period
from datavalues import validation
from datavalues.approval import LOCKED_MESSAGE
from datavalues.checks import ValueChecker
from datavalues.models import DataValue, How
from datavalues.numbers import BadCell, parse_number
from datavalues.writing import ValueInput, save_values
from regions.models import Region


@dataclass
class Field:
    element: DataElement
    value: float | None
    token: str
    previous: float | None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    entered: str = ""
    # The user ticked "kosongkan" (clear): the stored value is to be deleted.
    clear: bool = False


def _token(dv: DataValue | None) -> str:
    return "" if dv is None else f"{dv.pk}:{dv.updated_at.timestamp():.6f}"


def fields_for(*, region: Region, period: str, sector: str) -> list[Field]:
    spec = parse_period(period)
    elements = list(
        DataElement.objects.filter(sector__code=sector, period_type=spec.type).order_by("code")
    )
    current = {
        dv.element_id: dv
        for dv in DataValue.objects.filter(
            region=region, period__code=spec.code, element__in=elements
        )
    }
    previous = dict(
        DataValue.objects.filter(
            region=region, period__code=spec.previous().code, element__in=elements
        ).values_list("element_id", "value")
    )
    return [
        Field(
            element=e,
            value=current[e.id].value if e.id in current else None,
            token=_token(current.get(e.id)),
            previous=previous.get(e.id),
        )
        for e in elements
    ]


@dataclass
class Outcome:
    saved: int = 0
    cleared: int = 0
    conflicts: list[str] = field(default_factory=list)
    refused: bool = False


def save_entry(
    *,
    region: Region,
    period: str,
    sector: str,
    data: dict[str, str],
    by: Any,
    accept_warnings: bool,
) -> tuple[Outcome, list[Field]]:
    """Validate and save the changed fields of a submitted form, all or none.

    An empty field is never a deletion (it is refused as an empty value when it was
    changed): a stored value is cleared only by its explicit "kosongkan" box
    (`clear_<code>`), which wins over whatever the field holds.

    The fields become values directly and go through the checks every path shares
    (datavalues.checks for each value, datavalues.validation across values), then
    `save_values`."""
    fields = fields_for(region=region, period=period, sector=sector)
    changed: list[tuple[Field, str]] = []
    for f in fields:
        f.entered = data.get(f"v_{f.element.code}", "").strip()
        shown = data.get(f"shown_{f.element.code}", "").strip()
        f.clear = bool(data.get(f"clear_{f.element.code}")) and f.value is not None
        if f.clear or f.entered != shown:
            changed.append((f, data.get(f"token_{f.element.code}", "")))
    outcome = Outcome()
    if not changed:
        return outcome, fields
    values = _checked_values(region, period, [f for f, _token_seen in changed], by)
    if any(f.errors for f, _t in changed) or (
        any(f.warnings for f, _t in changed) and not accept_warnings
    ):
        outcome.refused = True
        return outcome, fields
    with transaction.atomic():
        # Lock the desa row, then compare tokens: a concurrent save waits here and then
        # sees the new token.
        list(Region.objects.select_for_update().filter(code=region.code).values_list("code"))
        stored = {
            dv.element_id: dv
            for dv in DataValue.objects.filter(
                region=region,
                period__code=parse_period(period).code,
                element__in=[f.element for f, _t in changed],
            )
        }
        for f, seen in changed:
            now = stored.get(f.element.id)
            if _token(now) != seen:
                shown_now = "—" if now is None else f"{now.value:g}"
                outcome.conflicts.append(
                    _("%(code)s: diubah orang lain sementara itu, kini %(now)s")
                    % {"code": f.element.code, "now": shown_now}
                )
                f.errors.append(
                    _("diubah orang lain sementara itu, kini %(now)s") % {"now": shown_now}
                )
        if outcome.conflicts:
            outcome.refused = True
            return outcome, fields
        result = save_values(values=values, by=by, how=How.FORM)
        outcome.saved = result.created + result.updated
        outcome.cleared = result.deleted
    return outcome, fields_for(region=region, period=period, sector=sector)


def _checked_values(region: Region, period: str, fields: list[Field], by: Any) -> list[ValueInput]:
    """The values of `fields`, each checked; problems go onto the fields (errors and
    warnings), and only values without an error are returned. A cleared field becomes a
    deletion (`value=None`) once its element and period may be written."""
    checker = ValueChecker.for_codes([f.element.code for f in fields], scope=scope_of(by))
    checker.load_regions([region.code])
    checker.load_locks([region.code])
    place = checker.region(region.code)
    period_code, period_problem, spec = checker.period(period)
    candidates: list[validation.Candidate] = []
    clears: list[ValueInput] = []
    for index, f in enumerate(fields):
        code = f.element.code
        if place.problem or period_problem:
            f.errors.append(place.problem or period_problem)
            continue
        assert spec is not None
        element, refused = checker.element(code, place, spec)
        if refused is not None or element is None:
            f.errors.append(refused.message if refused else code)
            continue
        if f.clear:
            if checker.locked(region.code, period_code):
                f.errors.append(str(LOCKED_MESSAGE))
            else:
                clears.append(ValueInput(region.code, code, period_code, None))
            continue
        if not f.entered:
            f.errors.append(_("nilai kosong"))
            continue
        try:
            value = parse_number(f.entered)
        except BadCell as exc:
            f.errors.append(str(exc))
            continue
        if problem := element.check_value(value):
            f.errors.append(f"{value:g}: {problem}")
            continue
        if checker.locked(region.code, period_code):
            f.errors.append(str(LOCKED_MESSAGE))
            continue
        candidates.append(validation.Candidate(index, region.code, code, period_code, value))
    findings = validation.check_batch(
        candidates, outlier_keys={c.key for c in candidates if fields[c.key].value != c.value}
    )
    for finding in findings:
        target = fields[finding.key]
        (target.errors if finding.severity == validation.ERROR else target.warnings).append(
            finding.message
        )
    return [
        ValueInput(c.region, c.element, c.period, c.value)
        for c in candidates
        if not fields[c.key].errors
    ] + clears
