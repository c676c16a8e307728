"""Programme monitoring pages: the cohorts, and one cohort's activity per kecamatan,
kabupaten and province (planning/monitoring.py), with CSV/XLSX.

A national scope sees every cohort; a programme secretariat (role `program`) the cohorts it
is assigned to; anyone else, and any other cohort, gets 404."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts import audit
from accounts.models import Action
from accounts.scoping import scope_of
from planning.cohorts import Cohort, visible_cohorts
from planning.monitoring import Activity, monitor
from planning.tables import Table, export

HEADER = [
    "Wilayah",
    "Kode",
    "Kecamatan",
    "Pengguna aktif 30 hari",
    "Tindakan 30 hari",
    "Impor berkas 30 hari",
    "Nilai diisi 30 hari",
    "Masuk terakhir",
    "Desa disetujui",
    "Evaluasi APBDes",
    "Tindak lanjut dibuat",
    "Tindak lanjut selesai",
    "Usulan disepakati",
    "Usulan diterima OPD",
]


def _visible(request: HttpRequest) -> QuerySet[Cohort]:
    scope = scope_of(request.user)
    if not scope.national and not scope.cohorts:
        raise Http404("programme monitoring needs a national scope or a programme role")
    return visible_cohorts(request.user)


# Above this many kecamatan the page lists them per chosen kabupaten/kota (the exports hold
# them all): a thousand rows help nobody on a phone and make the page slow to draw.
KECAMATAN_LISTED = 100


def _table(title: str, rows: list[Activity], *, links: Callable[[str], str] | None = None) -> Table:
    table = Table(title, HEADER)
    for a in rows:
        if links is not None:
            table.links.append(links(a.code))
        table.rows.append(
            (
                a.name,
                a.code,
                a.kecamatan,
                a.active_users,
                a.actions,
                a.imports,
                a.values,
                timezone.localtime(a.last_login).strftime("%Y-%m-%d") if a.last_login else None,
                a.approved,
                a.evaluations,
                a.follow_ups,
                a.follow_ups_done,
                a.agreed,
                a.accepted,
            )
        )
    return table


@never_cache
def cohort_list(request: HttpRequest) -> HttpResponse:
    cohorts = _visible(request).annotate(size=Count("members")).order_by("name")
    return render(request, "planning/cohorts.html", {"cohorts": cohorts})


@never_cache
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(_visible(request), pk=pk)
    result = monitor(cohort, timezone.now())

    def dashboard(code: str) -> str:
        return reverse("dashboard-kecamatan", args=[code])

    fmt = request.GET.get("format", "")
    tables = [
        _table("Per provinsi", result.provinces),
        _table("Per kabupaten/kota", result.kabupaten),
        _table("Per kecamatan", result.kecamatan, links=dashboard),
    ]
    response = export(tables, f"program-{cohort.pk}", fmt)
    if response is not None:
        audit.record(
            Action.EXPORT,
            request=request,
            summary=f"pemantauan program {cohort.pk} ({fmt})",
            detail={"cohort": cohort.pk},
        )
        return response
    by_kabupaten = len(result.kecamatan) > KECAMATAN_LISTED
    chosen = request.GET.get("kabupaten", "")
    chosen_name = next((a.name for a in result.kabupaten if a.code == chosen), "")
    shown = tables
    if by_kabupaten:
        # Each kabupaten/kota row opens its kecamatan below; the exports keep every row.
        shown = [
            tables[0],
            _table(
                "Per kabupaten/kota",
                result.kabupaten,
                links=lambda code: f"?kabupaten={code}#kecamatan",
            ),
        ]
        if chosen_name:
            within = [a for a in result.kecamatan if a.code.startswith(chosen + ".")]
            shown.append(_table(f"Per kecamatan: {chosen_name}", within, links=dashboard))
    top = max((n for _, n in result.trend), default=0)
    return render(
        request,
        "planning/cohort.html",
        {
            "cohort": cohort,
            "sample": cohort.sample,
            "tables": shown,
            "by_kabupaten": by_kabupaten,
            "chosen_name": chosen_name,
            "idle": result.idle,
            "trend": [(month, n, round(100 * n / top) if top else 0) for month, n in result.trend],
            "size": len(result.kecamatan),
        },
    )
