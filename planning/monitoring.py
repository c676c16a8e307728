"""Programme monitoring: which kecamatan of a cohort actually use the tool.

Per kecamatan of the cohort, from the audit log (accounts.AuditEvent: who did what on which
region, append-only) and the tables that exist:

- active users: distinct users with an audited action on the kecamatan or its desa in the
  last `WINDOW_DAYS` days; actions: edits (values, follow-ups, proposals, evaluations),
  imports, approvals and exports in that window;
- last sign-in: the latest `last_login` of the users assigned to the kecamatan or its desa;
- values entered: value history rows of its desa in the window (datavalues.ValueChange);
- approved desa, APBDes evaluations, follow-ups opened and done, proposals agreed (or
  beyond) and accepted, all time.

Rolled up per kabupaten and province by summing (active users are summed across kecamatan,
so a user active in two kecamatan counts twice there). A monthly trend of audited actions
covers the last 12 months. Each function reads a fixed number of queries whatever the size
of the cohort. The audit figures come from the counts kept beside the log (accounts.activity),
not from the log's millions of rows; they equal counting the log.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.db.models.functions import Length, Substr

from accounts.activity import KECAMATAN, actions_since, active_users_since, monthly_since
from accounts.models import Assignment
from datavalues.approval import PeriodApproval, State
from datavalues.models import ValueChange
from planning.cohorts import Cohort, CohortMember
from planning.evaluation import ApbdesEvaluation
from planning.followups import FollowUp, Status
from planning.proposals import Proposal, ProposalStatus
from regions.models import Region

WINDOW_DAYS = 30


@dataclass
class Activity:
    code: str
    name: str
    kecamatan: int = 1
    active_users: int = 0
    actions: int = 0
    imports: int = 0
    last_login: dt.datetime | None = None
    values: int = 0
    approved: int = 0
    evaluations: int = 0
    follow_ups: int = 0
    follow_ups_done: int = 0
    agreed: int = 0
    accepted: int = 0

    @property
    def idle(self) -> bool:
        return not self.actions and not self.values

    def add(self, other: Activity) -> None:
        for name in (
            "kecamatan",
            "active_users",
            "actions",
            "imports",
            "values",
            "approved",
            "evaluations",
            "follow_ups",
            "follow_ups_done",
            "agreed",
            "accepted",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.last_login and (self.last_login is None or other.last_login > self.last_login):
            self.last_login = other.last_login


@dataclass
class Monitoring:
    kecamatan: list[Activity]
    kabupaten: list[Activity]
    provinces: list[Activity]
    trend: list[tuple[dt.date, int]] = field(default_factory=list)

    @property
    def idle(self) -> list[Activity]:
        return [a for a in self.kecamatan if a.idle]


def _by_kecamatan(pairs: object) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for code, n in pairs:  # type: ignore[attr-defined]
        counts[(code or "")[:KECAMATAN]] += n
    return counts


def monitor(cohort: Cohort, now: dt.datetime) -> Monitoring:
    members = list(
        CohortMember.objects.filter(cohort=cohort)
        .order_by("kecamatan_id")
        .values_list("kecamatan_id", "kecamatan__name")
    )
    codes = {c for c, _ in members}
    rows = {c: Activity(c, n) for c, n in members}
    since = now - dt.timedelta(days=WINDOW_DAYS)
    for k, (n, imports) in actions_since(codes, since).items():
        rows[k].actions = n
        rows[k].imports = imports
    for k, n in active_users_since(codes, since).items():
        rows[k].active_users = n
    logins = (
        Assignment.objects.exclude(region_id=None)
        .annotate(k=Substr("region_id", 1, KECAMATAN))
        .filter(k__in=codes)
        .values("k")
        .annotate(last=Max("user__last_login"))
        .order_by()
    )
    for row in logins:
        rows[row["k"]].last_login = row["last"]
    for k, n in _by_kecamatan(
        ValueChange.objects.filter(changed_at__gte=since)
        .values_list("region__parent_id")
        .annotate(n=Count("id"))
        .order_by()
    ).items():
        if k in rows:
            rows[k].values = n
    _counts(rows, codes)
    kecamatan = [rows[c] for c, _ in members]
    return Monitoring(
        kecamatan=kecamatan,
        kabupaten=_roll(kecamatan, 5),
        provinces=_roll(kecamatan, 2),
        trend=_trend(codes, now),
    )


def _counts(rows: dict[str, Activity], codes: set[str]) -> None:
    def tally(query: QuerySet[Any], region: str, attr: str) -> None:
        """Rows of `query` counted per kecamatan. `region` names the desa: a code longer than
        a kecamatan's begins with its parent's (regions.codes.parent_code_of), so the region
        table is not joined."""
        pairs = (
            query.alias(length=Length(region))
            .filter(length__gt=KECAMATAN)
            .annotate(k=Substr(region, 1, KECAMATAN))
            .values_list("k")
            .annotate(n=Count("id"))
            .order_by()
        )
        for k, n in pairs:
            if k in codes:
                setattr(rows[k], attr, n)

    tally(PeriodApproval.objects.filter(state=State.APPROVED), "region_id", "approved")
    tally(ApbdesEvaluation.objects.all(), "desa_id", "evaluations")
    tally(FollowUp.objects.all(), "desa_id", "follow_ups")
    tally(FollowUp.objects.filter(status=Status.DONE), "desa_id", "follow_ups_done")
    tally(Proposal.objects.exclude(status=ProposalStatus.PROPOSED), "desa_id", "agreed")
    tally(Proposal.objects.filter(status=ProposalStatus.ACCEPTED), "desa_id", "accepted")


def _roll(kecamatan: list[Activity], length: int) -> list[Activity]:
    names = dict(
        Region.objects.filter(code__in={a.code[:length] for a in kecamatan}).values_list(
            "code", "name"
        )
    )
    out: dict[str, Activity] = {}
    for activity in kecamatan:
        code = activity.code[:length]
        if code not in out:
            out[code] = Activity(code, names.get(code, code), kecamatan=0)
        out[code].add(activity)
    return [out[c] for c in sorted(out)]


def _trend(codes: set[str], now: dt.datetime) -> list[tuple[dt.date, int]]:
    start = (now - dt.timedelta(days=365)).replace(day=1, hour=0, minute=0, second=0)
    return sorted(monthly_since(codes, start).items())
