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

from catalog.models import DataElement
from catalog.periods import parse_period
from datavalues.models import DataValue, How
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
    """Validate and save the changed fields of a submitted form, all or none."""
    from intake import importing
    from intake.parsing import Cell, Table

    fields = fields_for(region=region, period=period, sector=sector)
    changed: list[tuple[Field, str]] = []
    for f in fields:
        f.entered = data.get(f"v_{f.element.code}", "").strip()
        shown = data.get(f"shown_{f.element.code}", "").strip()
        if f.entered != shown:
            changed.append((f, data.get(f"token_{f.element.code}", "")))
    outcome = Outcome()
    if not changed:
        return outcome, fields
    rows: list[tuple[int, list[Cell]]] = [
        (index, [region.code, f.element.code, period, f.entered or None])
        for index, (f, _token_seen) in enumerate(changed, start=2)
    ]
    plan = importing.plan_values(
        Table(
            kind="form", header=["kode_wilayah", "kode_data", "periode", "nilai"], rows=iter(rows)
        ),
        by=by,
    )
    by_row = {index: f for index, (f, _t) in enumerate(changed, start=2)}
    for problem in plan.problems:
        target = by_row.get(problem.row)
        if target is not None:
            (target.errors if problem.severity == "error" else target.warnings).append(
                problem.message
            )
    if plan.errors or (plan.warnings and not accept_warnings):
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
                    f"{f.element.code}: diubah orang lain sementara itu, kini {shown_now} / "
                    "changed by someone else meanwhile"
                )
                f.errors.append(f"diubah orang lain sementara itu, kini {shown_now}")
        if outcome.conflicts:
            outcome.refused = True
            return outcome, fields
        outcome.saved = importing.write_plan(
            plan, by=by, accept_warnings=accept_warnings, how=How.FORM
        )
    return outcome, fields_for(region=region, period=period, sector=sector)
