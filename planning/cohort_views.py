"""Programme monitoring pages (national administrators): the cohorts, and one cohort's
activity per kecamatan, kabupaten and province (planning/monitoring.py), with CSV/XLSX."""

from __future__ import annotations

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts.scoping import scope_of
from planning.cohorts import Cohort
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


def _national(request: HttpRequest) -> None:
    if not scope_of(request.user).national:
        raise Http404("programme monitoring needs a national scope")


def _table(title: str, rows: list[Activity]) -> Table:
    table = Table(title, HEADER)
    for a in rows:
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
    _national(request)
    cohorts = Cohort.objects.annotate(size=Count("members")).order_by("name")
    return render(request, "planning/cohorts.html", {"cohorts": cohorts})


@never_cache
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _national(request)
    cohort = get_object_or_404(Cohort, pk=pk)
    result = monitor(cohort, timezone.now())
    tables = [
        _table("Per provinsi", result.provinces),
        _table("Per kabupaten/kota", result.kabupaten),
        _table("Per kecamatan", result.kecamatan),
    ]
    response = export(tables, f"program-{cohort.pk}", request.GET.get("format", ""))
    if response is not None:
        return response
    top = max((n for _, n in result.trend), default=0)
    return render(
        request,
        "planning/cohort.html",
        {
            "cohort": cohort,
            "tables": tables,
            "idle": result.idle,
            "trend": [(month, n, round(100 * n / top) if top else 0) for month, n in result.trend],
            "size": len(result.kecamatan),
        },
    )
