"""Report downloads for a kecamatan: PDF, Excel workbook, CSV of one table.

Scoped by accounts.scoping (404 outside the scope, sector-limited roles see their sectors
only) and audited as exports. The direct addresses build the file inside the request (a
20-desa kecamatan takes well under the page budget, docs/PERFORMANCE.md "Reports"); the
kecamatan page leads to `prepare`, which has the file built by the background worker
(reports/tasks.py) with a progress bar, and offers it for download when it is ready.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_htmx.http import HttpResponseClientRefresh

from accounts import audit
from accounts.models import Action
from accounts.scoping import scope_of
from jobs import limits, progress
from planning.views import region_at, year_from
from regions.models import Level
from reports import tasks
from reports.content import kecamatan_report
from reports.csvfiles import csv_text
from reports.models import PreparedReport, ReportKind, ReportStatus
from reports.pdf import pdf_bytes
from reports.tables import TABLES
from reports.workbook import workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


@never_cache
def report_pdf(request: HttpRequest, code: str) -> HttpResponse:
    kecamatan = region_at(request, code, Level.KECAMATAN)
    year, _notice = year_from(request)
    # A PDF costs seconds of CPU inside the request: a few per user, then the queue.
    if not limits.allow(
        f"laporan-pdf:{request.user.pk}", limit=settings.REPORT_PDF_PER_10_MINUTES, seconds=600
    ):
        return HttpResponse(
            _(
                "Terlalu banyak laporan PDF langsung dalam 10 menit. Pakai “Siapkan laporan” "
                "di halaman kecamatan, atau coba lagi nanti."
            ),
            status=429,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": "600"},
        )
    report = kecamatan_report(
        kecamatan=kecamatan, year=year, sectors=scope_of(request.user).sectors_at(code), raw=False
    )
    body = pdf_bytes(report)
    audit.record(Action.EXPORT, request=request, region_code=code, summary=f"laporan PDF {year}")
    return _download(body, "application/pdf", f"laporan-{code}-{year}.pdf")


@never_cache
def report_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    kecamatan = region_at(request, code, Level.KECAMATAN)
    year, _notice = year_from(request)
    report = kecamatan_report(
        kecamatan=kecamatan, year=year, sectors=scope_of(request.user).sectors_at(code)
    )
    body = workbook_bytes(report)
    audit.record(Action.EXPORT, request=request, region_code=code, summary=f"laporan XLSX {year}")
    return _download(body, XLSX, f"laporan-{code}-{year}.xlsx")


@never_cache
def table_csv(request: HttpRequest, code: str, table: str) -> HttpResponse:
    spec = TABLES.get(table)
    if spec is None:
        raise Http404("no such table")
    kecamatan = region_at(request, code, Level.KECAMATAN)
    year, _notice = year_from(request)
    report = kecamatan_report(
        kecamatan=kecamatan,
        year=year,
        sectors=scope_of(request.user).sectors_at(code),
        raw=table == "data-mentah",
    )
    body = csv_text(spec.build(report))
    audit.record(Action.EXPORT, request=request, region_code=code, summary=f"CSV {table} {year}")
    return _download(body, "text/csv; charset=utf-8", f"{table}-{code}-{year}.csv")


@never_cache
def prepare(request: HttpRequest, code: str) -> HttpResponse:
    """ "Siapkan laporan": ask for a PDF or Excel report of a year; list the ones asked for."""
    kecamatan = region_at(request, code, Level.KECAMATAN)
    year, notice = year_from(request)
    if request.method == "POST":
        kind = request.POST.get("jenis", "")
        if kind not in ReportKind.values:
            raise Http404("no such report kind")
        try:
            report = tasks.ask(
                owner=request.user,
                kecamatan=kecamatan,
                year=year,
                kind=kind,
                sectors=scope_of(request.user).sectors_at(code),
            )
        except limits.Busy as busy:
            messages.error(request, str(busy))
            return redirect(f"{request.path}?periode={year}&jenis={kind}")
        return redirect("report-job", pk=report.pk)
    kind = request.GET.get("jenis", "")
    return render(
        request,
        "reports/prepare.html",
        {
            "region": kecamatan,
            "year": year,
            "notice": notice,
            "kind": kind if kind in ReportKind.values else ReportKind.PDF,
            "kinds": ReportKind.choices,
            "reports": PreparedReport.objects.filter(
                owner_id=request.user.pk, region=kecamatan
            ).defer("content")[:20],
        },
    )


def _own_report_or_404(request: HttpRequest, pk: int) -> PreparedReport:
    """A prepared report is seen by the one who asked for it, while the kecamatan is still in
    their scope and they may still see every sector it contains."""
    report = get_object_or_404(
        PreparedReport.objects.defer("content"), pk=pk, owner_id=request.user.pk
    )
    region_at(request, report.region_id, Level.KECAMATAN)
    allowed = scope_of(request.user).sectors_at(report.region_id)
    if allowed is not None and (report.sectors is None or not set(report.sectors) <= allowed):
        raise Http404("sectors no longer visible")
    return report


def _job_context(report: PreparedReport) -> dict[str, object]:
    state = progress.read(tasks.progress_name(report))
    return {"report": report, "progress": state, "stage": tasks.STAGES.get(state.stage, "")}


@never_cache
def job(request: HttpRequest, pk: int) -> HttpResponse:
    report = _own_report_or_404(request, pk)
    return render(request, "reports/job.html", _job_context(report))


@never_cache
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment polled by htmx; once the job ended, the whole page reloads."""
    report = _own_report_or_404(request, pk)
    if not report.running:
        if getattr(request, "htmx", False):
            return HttpResponseClientRefresh()
        return redirect("report-job", pk=report.pk)
    return render(request, "reports/_job_progress.html", _job_context(report))


@never_cache
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    report = _own_report_or_404(request, pk)
    if report.status != ReportStatus.DONE:
        raise Http404("the report is not ready")
    body = bytes(PreparedReport.objects.values_list("content", flat=True).get(pk=report.pk))
    audit.record(
        Action.EXPORT,
        request=request,
        region_code=report.region_id,
        summary=f"laporan {report.kind.upper()} {report.year} (disiapkan)",
        detail={"prepared_report": report.pk},
    )
    content_type = "application/pdf" if report.kind == ReportKind.PDF else XLSX
    return _download(body, content_type, report.filename)
