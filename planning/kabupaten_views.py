"""Kabupaten oversight pages: every kecamatan of a kabupaten (or kota) on one page.

Parse, check access (accounts.scoping: 404 outside the user's scope, so a kecamatan user
or a user of another kabupaten never sees one), build the tables (planning/kabupaten.py)
and render them, or send them as CSV / XLSX with `?format=csv|xlsx`.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts import audit
from accounts.models import Action
from catalog.periods import BadPeriod, parse_period
from datavalues.sample import sample_data_under
from planning import kabupaten as tables_of
from planning.kabupaten_report import kabupaten_report, report_pdf
from planning.oversight import latest_budget_year
from planning.tables import Table, export
from planning.views import default_year, region_at, year_from
from regions.models import Level, Region


def _kabupaten(request: HttpRequest, code: str) -> Region:
    return region_at(request, code, Level.KABUPATEN)


def _period(period: str) -> str:
    try:
        return parse_period(period).code
    except (BadPeriod, ValueError):
        raise Http404("no such period") from None


def _page(
    request: HttpRequest,
    region: Region,
    slug: str,
    title: str,
    tables: list[Table],
    **extra: Any,
) -> HttpResponse:
    fmt = request.GET.get("format", "")
    response = export(tables, f"{slug}-{region.code}", fmt)
    if response is not None:
        return response
    query = request.GET.copy()
    query.pop("format", None)
    base = request.path + "?" + (query.urlencode() + "&" if query else "")
    context = {
        "region": region,
        "title": title,
        "tables": tables,
        "csv_href": base + "format=csv",
        "xlsx_href": base + "format=xlsx",
        "sample": sample_data_under(region.code),
        **extra,
    }
    return render(request, "planning/kabupaten/tables.html", context)


@never_cache
def overview(request: HttpRequest, code: str) -> HttpResponse:
    region = _kabupaten(request, code)
    year, notice = year_from(request)
    budget_year = latest_budget_year(region.code, year + 1)
    table = tables_of.overview_table(region, year, budget_year, timezone.localdate())
    matrix = tables_of.sector_matrix_table(region, year)
    return _page(
        request,
        region,
        "pengawasan",
        _("Pengawasan kecamatan"),
        [table, matrix],
        year=year,
        budget_year=budget_year,
        notice=notice,
        links=True,
    )


@never_cache
def completeness(request: HttpRequest, code: str, period: str) -> HttpResponse:
    region = _kabupaten(request, code)
    period = _period(period)
    tables, due = tables_of.completeness_tables(region, period)
    return _page(
        request,
        region,
        "kelengkapan",
        _("Kelengkapan dan ketepatan waktu"),
        tables,
        period=period,
        note=_(
            "Periode %(period)s, batas waktu %(due)s. Diharapkan: elemen data sektor untuk "
            "jenis periode ini; tepat waktu: masuk pertama kali paling lambat batas waktu."
        )
        % {"period": period, "due": due.isoformat()},
    )


@never_cache
def approvals(request: HttpRequest, code: str, period: str) -> HttpResponse:
    region = _kabupaten(request, code)
    period = _period(period)
    return _page(
        request,
        region,
        "persetujuan",
        _("Status persetujuan data desa"),
        [tables_of.approval_table(region, period)],
        period=period,
        note=_("Periode %(period)s. Desa tanpa pengajuan dihitung sebagai draf.")
        % {"period": period},
    )


@never_cache
def evaluations(request: HttpRequest, code: str) -> HttpResponse:
    region = _kabupaten(request, code)
    year, notice = year_from(request, "tahun")
    if not request.GET.get("tahun"):
        year = latest_budget_year(region.code, default_year() + 1)
    return _page(
        request,
        region,
        "evaluasi-apbdes",
        _("Evaluasi rancangan APBDes"),
        [tables_of.evaluation_table(region, year)],
        notice=notice,
        note=_(
            "Tahun anggaran %(year)s. Belum dievaluasi: desa yang sudah mempunyai APBDes "
            "tahun itu tetapi belum ada hasil evaluasi camat."
        )
        % {"year": year},
    )


@never_cache
def follow_ups(request: HttpRequest, code: str) -> HttpResponse:
    region = _kabupaten(request, code)
    today = timezone.localdate()
    return _page(
        request,
        region,
        "tindak-lanjut",
        _("Tindak lanjut per kecamatan"),
        [tables_of.follow_up_table(region, today)],
        note=_(
            "Per %(today)s. Terbuka: direncanakan atau berjalan; terlambat: terbuka melewati "
            "batas waktu; jatuh tempo: terbuka dengan batas waktu dalam 14 hari."
        )
        % {"today": today.isoformat()},
    )


@never_cache
def budgets(request: HttpRequest, code: str) -> HttpResponse:
    region = _kabupaten(request, code)
    year, notice = year_from(request)
    return _page(
        request,
        region,
        "belanja",
        _("Belanja desa untuk layanan dasar"),
        [tables_of.budget_table(region, year)],
        notice=notice,
        note=_(
            "APBDes %(year)s (ditetapkan, atau rancangan bila belum ada): bagian anggaran "
            "setiap sektor layanan dasar dari seluruh APBDes desa di kecamatan."
        )
        % {"year": year},
    )


@never_cache
def escalations(request: HttpRequest, code: str) -> HttpResponse:
    region = _kabupaten(request, code)
    year, notice = year_from(request)
    tables = tables_of.escalation_tables(region, year)
    return _page(
        request,
        region,
        "eskalasi-opd",
        _("Usulan ke OPD dari semua kecamatan"),
        tables,
        notice=notice,
        note=_(
            "Bahan Forum Perangkat Daerah: masalah kewenangan kabupaten (tindak lanjut dengan "
            "penanggung jawab OPD, kecuali yang dibatalkan) dari semua kecamatan, per OPD; "
            "bukti data tahun %(year)s."
        )
        % {"year": year},
        empty=_("Belum ada masalah yang diteruskan ke OPD kabupaten."),
    )


def report(request: HttpRequest, code: str) -> HttpResponse:
    """The kabupaten report as PDF: a summary page, then every table above."""
    region = _kabupaten(request, code)
    year, _notice = year_from(request)
    audit.record(
        Action.EXPORT, request=request, region_code=code, summary=f"laporan kabupaten {year}"
    )
    response = HttpResponse(report_pdf(kabupaten_report(region, year)), "application/pdf")
    response["Content-Disposition"] = f'attachment; filename="laporan-{code}-{year}.pdf"'
    return response


@never_cache
def province_overview(request: HttpRequest, code: str) -> HttpResponse:
    """The same summary one level up: one line per kabupaten/kota of a province."""
    region = region_at(request, code, Level.PROVINSI)
    year, notice = year_from(request)
    budget_year = latest_budget_year(region.code, year + 1)
    table = tables_of.overview_table(region, year, budget_year, timezone.localdate())
    table.title = "Ringkasan per kabupaten/kota"
    table.header[0] = "Kabupaten/kota"
    table.links = [reverse("kabupaten-oversight", args=[row[1]]) for row in table.rows]
    return _page(
        request,
        region,
        "pengawasan-provinsi",
        _("Pengawasan kabupaten/kota"),
        [table],
        notice=notice,
        province=True,
    )
