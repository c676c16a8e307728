"""What a verifier looks at before approving a desa's period, and who may decide.

The approval page shows the period's values by sector with the warnings the validation
rules give them, what changed since the last approval (old → new, who, when) and the
completeness per sector; the queue lists the periods waiting for a decision.

Who may approve or return is decided by `approval.may_step`, the scope's write permission
(role, region, sector); `may_decide` names it for the pages. A kecamatan role limited to
some sectors may see a desa's period but not approve or return it: the period is approved
as a whole, and a partial view must not lock the other sectors' values.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from accounts.scoping import scope_of
from catalog.models import DataElement, Sector
from catalog.periods import PeriodSpec, parse_period
from datavalues import approval
from datavalues.approval import ApprovalStep, PeriodApproval, State
from datavalues.models import SAMPLE_SOURCE, DataValue, ValueChange
from datavalues.validation import Candidate, check_batch, rules
from regions.models import Kind, Region

DECISIONS = {"setujui", "kembalikan", "buka"}


def may_decide(user: Any, region_code: str) -> bool:
    """Approve, return or reopen a desa's period: a verifier role without a sector limit
    (`approval.may_step`, the scope's write-permission method, decides)."""
    return approval.may_step(user, region_code, "setujui")


def allowed(user: Any, region_code: str, action: str) -> bool:
    """May `user` take `action` on a desa's period (the state is checked by `step`)."""
    return approval.may_step(user, region_code, action)


def _within(spec: PeriodSpec, prefix: str = "period__") -> Q:
    """Values of the period and of the finer periods inside it (its months, quarters)."""
    return Q(
        **{
            f"{prefix}year": spec.year,
            f"{prefix}first_month__gte": spec.first_month,
            f"{prefix}first_month__lte": spec.last_month,
        }
    )


def approved_covering(region: Region, period: str) -> PeriodApproval | None:
    """The approved period of this desa that contains `period` (its values are locked)."""
    spec = parse_period(period)
    for found in PeriodApproval.objects.filter(
        region=region, state=State.APPROVED, period__year=spec.year
    ).select_related("period"):
        if found.period.spec.contains(spec):
            return found
    return None


@dataclass
class Line:
    element: DataElement
    value: float
    period: str
    warnings: list[str] = field(default_factory=list)


@dataclass
class SectorPart:
    sector: Sector
    lines: list[Line] = field(default_factory=list)
    expected: int = 0

    @property
    def received(self) -> int:
        return len({line.element.pk for line in self.lines})

    @property
    def warnings(self) -> int:
        return sum(1 for line in self.lines if line.warnings)


@dataclass
class Review:
    parts: list[SectorPart]
    changes: list[ValueChange]
    since: datetime | None  # the last approval, None when never approved
    sample: bool = False  # sample values ("contoh") among them: the page must say so

    @property
    def expected(self) -> int:
        return sum(p.expected for p in self.parts)

    @property
    def received(self) -> int:
        return sum(p.received for p in self.parts)

    @property
    def warnings(self) -> int:
        return sum(p.warnings for p in self.parts)


def review(*, region: Region, period: str, changes_limit: int = 100) -> Review:
    spec = parse_period(period)
    sectors = list(Sector.objects.order_by("order"))
    parts = {s.code: SectorPart(sector=s) for s in sectors}
    desa_only = rules().desa_only
    for element in DataElement.objects.filter(period_type=spec.type).select_related("sector"):
        if region.kind == Kind.KELURAHAN and element.code in desa_only:
            continue
        parts[element.sector.code].expected += 1
    values = list(
        DataValue.objects.filter(_within(spec), region=region)
        .select_related("element__sector", "period")
        .order_by("element__code", "period__first_month")
    )
    findings = check_batch(
        [Candidate(v.pk, region.code, v.element.code, v.period.code, v.value) for v in values]
    )
    by_value: dict[Any, list[str]] = defaultdict(list)
    for finding in findings:
        by_value[finding.key].append(finding.message)
    for v in values:
        part = parts[v.element.sector.code]
        part.lines.append(Line(v.element, v.value, v.period.code, by_value.get(v.pk, [])))
    last = (
        ApprovalStep.objects.filter(
            approval__region=region, approval__period__code=spec.code, action="setujui"
        )
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    changes = ValueChange.objects.filter(_within(spec), region=region)
    if last is not None:
        changes = changes.filter(changed_at__gt=last)
    return Review(
        parts=[p for p in parts.values() if p.expected or p.lines],
        changes=list(
            changes.select_related("element", "period", "changed_by").order_by(
                "-changed_at", "-id"
            )[:changes_limit]
        ),
        since=last,
        sample=any(v.source == SAMPLE_SOURCE for v in values),
    )


def queue(user: Any) -> QuerySet[PeriodApproval]:
    """Submitted periods in the user's scope, oldest first: the verifier's work."""
    return (
        PeriodApproval.objects.filter(scope_of(user).q("region_id"), state=State.SUBMITTED)
        .select_related("region", "period")
        .order_by("updated_at")
    )
