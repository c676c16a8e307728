"""Report downloads for a kecamatan: PDF, Excel workbook, CSV of one table.

Scoped by accounts.scoping (404 outside the scope, sector-limited roles see their sectors
only) and audited as exports. Generated synchronously: a 20-desa kecamatan takes well under
the page budget (docs/PERFORMANCE.md, "Reports").
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from accounts import audit
from accounts.models import Action
from accounts.scoping import scope_of
from planning.views import region_at, year_from
from regions.models import Level
from reports.content import kecamatan_report
from reports.csvfiles import csv_text
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
