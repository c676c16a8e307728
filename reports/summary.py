"""The one-page summary that opens the kecamatan report, what a camat brings to the Musrenbang.

- Worst problems: the kecamatan's indicators behind their target, by the people still to be
  reached (gap × denominator, dashboard.priorities.people_behind), largest first.
- Priority desa: the first of the dashboard's priority list.
- Agreed proposals: what the Musrenbang kecamatan agreed for the plan year that follows the
  report's data (data year + 2: the 2025 data feed the 2026 Musrenbang for the 2027 plan).
- Follow-ups due: open follow-ups overdue or due within `DUE_DAYS`.
- Coverage: desa that reported any value for the year, of all desa; and whether sample
  values are shown (the "data contoh" mark).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from analytics.figures import Figure
from analytics.gaps import people_behind
from datavalues.models import DataValue
from datavalues.sample import sample_data_under
from planning.followups import OPEN, FollowUp
from planning.minutes import agreed
from planning.proposals import Proposal
from reports.content import KecamatanReport

TOP = 5
DUE_DAYS = 30


@dataclass
class Problem:
    figure: Figure
    people: float


@dataclass
class Summary:
    plan_year: int
    reporting: int
    desa: int
    sample: bool
    problems: list[Problem] = field(default_factory=list)
    agreed: list[Proposal] = field(default_factory=list)
    due: list[FollowUp] = field(default_factory=list)


def summarise(report: KecamatanReport, today: dt.date) -> Summary:
    code = report.kecamatan.code
    reporting = (
        DataValue.objects.filter(region__parent_id=code, period__year=report.year)
        .values("region_id")
        .distinct()
        .count()
    )
    problems = []
    for figure in report.own:
        if figure.status != "perlu percepatan":
            continue
        people = people_behind(figure)
        if people:
            problems.append(Problem(figure, people))
    problems.sort(key=lambda p: -p.people)
    soon = today + dt.timedelta(days=DUE_DAYS)
    due = sorted(
        (f for f in report.follow_ups if f.status in OPEN and f.due_date <= soon),
        key=lambda f: (f.due_date, f.pk),
    )
    plan_year = report.year + 2
    return Summary(
        plan_year=plan_year,
        reporting=reporting,
        desa=len(report.desa),
        sample=sample_data_under(code) is not None,
        problems=problems[:TOP],
        agreed=list(agreed(report.kecamatan, plan_year)),
        due=due[:8],
    )
