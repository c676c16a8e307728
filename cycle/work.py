"""The work menu ("Tugas saya"): what a desa operator or a camat has to do, with counts.

A desa operator: periods and sectors still to fill (with the completeness deadlines),
submissions returned, follow-ups it owns (due within 7 days, overdue) and the APBDes
evaluation. A camat: periods waiting for approval, the completeness of its desa, APBDes
drafts to evaluate, follow-ups due or overdue, escalations. A programme secretariat: its programmes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import DataElement, Sector
from cycle.periods import open_periods, working_year
from datavalues.approval import PeriodApproval, State
from datavalues.completeness import completeness, due_date
from datavalues.models import DataValue
from datavalues.review import may_decide, queue
from datavalues.validation import rules
from planning.cohorts import CohortMember, visible_cohorts
from planning.evaluation import ApbdesEvaluation, Result
from planning.followups import OPEN, FollowUp, Owner
from planning.models import BudgetLine, Stage
from regions.models import Kind, Region

SOON_DAYS = 7


@dataclass
class Task:
    text: str
    href: str
    count: int = 0
    urgent: bool = False  # overdue or returned: shown first, marked


@dataclass
class Group:
    title: str
    tasks: list[Task]
    empty: str


def _to_fill(desa: Region, today: dt.date) -> list[Task]:
    periods = open_periods()
    desa_only = rules().desa_only
    expected: Counter[tuple[int, str]] = Counter()
    for period_type, sector, code in DataElement.objects.values_list(
        "period_type", "sector__code", "code"
    ):
        if desa.kind == Kind.KELURAHAN and code in desa_only:
            continue
        expected[(period_type, sector)] += 1
    received: Counter[tuple[str, str]] = Counter(
        DataValue.objects.filter(
            region=desa, period__code__in=[p.code for p in periods]
        ).values_list("period__code", "element__sector__code")
    )
    names = dict(Sector.objects.values_list("code", "name_id"))
    tasks = []
    for spec in periods:
        for (period_type, sector), n in sorted(expected.items()):
            if period_type != spec.type:
                continue
            got = received[(spec.code, sector)]
            if got >= n:
                continue
            due = due_date(spec)
            tasks.append(
                Task(
                    text=_("%(sector)s %(period)s: %(got)d dari %(n)d terisi, batas %(due)s")
                    % {
                        "sector": names.get(sector, sector),
                        "period": spec.code,
                        "got": got,
                        "n": n,
                        "due": due.strftime("%d-%m-%Y"),
                    },
                    href=reverse("entry", args=[desa.code, spec.code]) + f"?sektor={sector}",
                    count=n - got,
                    urgent=due < today,
                )
            )
    return tasks


def _follow_up_tasks(items: list[FollowUp], today: dt.date, href: str) -> list[Task]:
    soon = today + dt.timedelta(days=SOON_DAYS)
    tasks = []
    for item in items:
        if item.due_date < today:
            when = _("terlambat sejak %(d)s") % {"d": item.due_date.strftime("%d-%m-%Y")}
        elif item.due_date <= soon:
            when = _("jatuh tempo %(d)s") % {"d": item.due_date.strftime("%d-%m-%Y")}
        else:
            continue
        tasks.append(
            Task(
                text=f"{item.desa.name} · {item.indicator.code}: {item.action[:80]} — {when}",
                href=f"{href}#tl-{item.pk}",
                urgent=item.due_date < today,
            )
        )
    return tasks


def desa_work(user: Any, desa: Region) -> list[Group]:
    today = timezone.localdate()
    returned = PeriodApproval.objects.filter(region=desa, state=State.RETURNED).select_related(
        "period"
    )
    follow_ups = list(
        FollowUp.objects.filter(desa=desa, owner=Owner.DESA, status__in=OPEN)
        .select_related("desa", "indicator")
        .order_by("due_date")
    )
    evaluations = ApbdesEvaluation.objects.filter(desa=desa).order_by("-year")[:2]
    mine = reverse("desa-follow-ups", args=[desa.code])
    open_text = ngettext(
        "%(n)d tindak lanjut terbuka", "%(n)d tindak lanjut terbuka", len(follow_ups)
    ) % {"n": len(follow_ups)}
    return [
        Group(
            _("Data yang perlu diisi"),
            [
                Task(
                    _("Pengajuan %(period)s dikembalikan: %(note)s")
                    % {"period": r.period.code, "note": r.comment},
                    reverse("approval", args=[desa.code, r.period.code]),
                    urgent=True,
                )
                for r in returned
            ]
            + _to_fill(desa, today),
            _("Semua data periode terbuka sudah terisi."),
        ),
        Group(
            _("Tindak lanjut desa"),
            [Task(open_text, mine, count=len(follow_ups))] if follow_ups else [],
            _("Tidak ada tindak lanjut terbuka."),
        ),
        Group(
            _("Tindak lanjut jatuh tempo atau terlambat"),
            _follow_up_tasks(follow_ups, today, mine),
            _("Tidak ada tindak lanjut yang jatuh tempo dalam 7 hari."),
        ),
        Group(
            _("Evaluasi APBDes"),
            [
                Task(
                    _("APBDes %(year)s: %(result)s")
                    % {"year": e.year, "result": e.get_result_display()},
                    reverse("apbdes-evaluation", args=[desa.code]) + f"?periode={e.year}",
                    urgent=e.result == Result.REVISE,
                )
                for e in evaluations
            ],
            _("Belum ada hasil evaluasi APBDes."),
        ),
    ]


def kecamatan_work(user: Any, kecamatan: Region) -> list[Group]:
    today = timezone.localdate()
    code = kecamatan.code
    waiting = list(queue(user).filter(region__parent=kecamatan)[:50])
    year = working_year()
    _sectors, rows, due = completeness(kecamatan=kecamatan, period=str(year))
    complete = sum(1 for row in rows if all(c.received >= c.expected for c in row.cells.values()))
    drafts = set(
        BudgetLine.objects.filter(
            desa__parent=kecamatan, stage=Stage.DRAFT, year__gte=today.year
        ).values_list("desa_id", "year")
    )
    evaluated = set(
        ApbdesEvaluation.objects.filter(desa__parent=kecamatan, year__gte=today.year).values_list(
            "desa_id", "year"
        )
    )
    to_evaluate = sorted(drafts - evaluated)
    follow_ups = list(
        FollowUp.objects.under(code)
        .filter(status__in=OPEN, due_date__lte=today + dt.timedelta(days=SOON_DAYS))
        .select_related("desa", "indicator")
        .order_by("due_date")
    )
    decides = may_decide(user, code)
    return [
        Group(
            _("Menunggu persetujuan"),
            [
                Task(
                    _("%(desa)s, %(period)s — diajukan %(at)s")
                    % {
                        "desa": a.region.name,
                        "period": a.period.code,
                        "at": timezone.localtime(a.updated_at).strftime("%d-%m-%Y"),
                    },
                    reverse("approval", args=[a.region_id, a.period.code]),
                )
                for a in waiting
            ]
            if decides or waiting
            else [],
            _("Tidak ada pengajuan yang menunggu."),
        ),
        Group(
            _("Kelengkapan data desa"),
            [
                Task(
                    _("%(done)d dari %(n)d desa lengkap untuk %(year)s (batas %(due)s)")
                    % {
                        "done": complete,
                        "n": len(rows),
                        "year": year,
                        "due": due.strftime("%d-%m-%Y"),
                    },
                    reverse("completeness", args=[code, str(year)]),
                    count=len(rows) - complete,
                    urgent=due < today and complete < len(rows),
                )
            ],
            "",
        ),
        Group(
            _("Rancangan APBDes untuk dievaluasi"),
            [
                Task(
                    _("%(desa)s: rancangan APBDes %(year)s") % {"desa": d, "year": y},
                    reverse("apbdes-evaluation", args=[d]) + f"?periode={y}",
                )
                for d, y in to_evaluate
            ],
            _("Tidak ada rancangan APBDes yang menunggu evaluasi."),
        ),
        Group(
            _("Tindak lanjut jatuh tempo atau terlambat"),
            _follow_up_tasks(follow_ups, today, reverse("follow-ups", args=[code])),
            _("Tidak ada tindak lanjut yang jatuh tempo dalam 7 hari."),
        ),
        Group(
            _("Eskalasi ke kabupaten"),
            [Task(_("Usulan ke Musrenbang kecamatan"), reverse("escalations", args=[code]))],
            "",
        ),
    ]


def programme_work(user: Any) -> list[Group]:
    """A programme secretariat's programmes: each cohort's monitoring page and exports,
    and the dashboards of its kabupaten (the kecamatan are linked from the monitoring)."""
    groups = []
    cohorts = visible_cohorts(user).annotate(size=Count("members")).order_by("name")
    for cohort in cohorts:
        page = reverse("cohort-detail", args=[cohort.pk])
        kabupaten = (
            Region.objects.filter(code__in=_kabupaten_of(cohort.pk))
            .order_by("code")
            .only("code", "name", "kind", "level")
        )
        groups.append(
            Group(
                title=cohort.name,
                tasks=[
                    Task(
                        text=ngettext(
                            "Pemantauan program: %(n)d kecamatan",
                            "Pemantauan program: %(n)d kecamatan",
                            cohort.size,
                        )
                        % {"n": cohort.size},
                        href=page,
                    ),
                    Task(text=_("Unduh CSV"), href=page + "?format=csv"),
                    Task(text=_("Unduh Excel"), href=page + "?format=xlsx"),
                    *(
                        Task(
                            text=_("Kecamatan di %(name)s") % {"name": k.display_name},
                            href=reverse("region-detail", args=[k.code]),
                        )
                        for k in kabupaten
                    ),
                ],
                empty="",
            )
        )
    return groups


def _kabupaten_of(cohort_id: int) -> list[str]:
    codes = CohortMember.objects.filter(cohort_id=cohort_id).values_list("kecamatan_id", flat=True)
    return sorted({code[:5] for code in codes})
