"""Kecamatan reports prepared by the background worker, with their progress in stages.

The kecamatan page's "Laporan" links lead to reports.views.prepare: the user asks for a PDF
or Excel report of a year, a PreparedReport row is created and `prepare_report` queued; the
worker collects the data, draws, composes the file and stores its bytes on the row, and the
page offers the download. The direct addresses (laporan.pdf, laporan.xlsx) still build the
file inside the request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from jobs import limits, progress
from regions.models import Region
from reports.content import kecamatan_report
from reports.models import PreparedReport, ReportKind, ReportStatus
from reports.pdf import pdf_bytes
from reports.workbook import workbook_bytes

STAGES = {
    "mengumpulkan": _("Mengumpulkan data"),
    "menggambar": _("Menggambar peta dan tabel"),
    "menyusun": _("Menyusun PDF"),
    "menulis": _("Menulis lembar kerja Excel"),
}
STEPS = {
    ReportKind.PDF: ("mengumpulkan", "menggambar", "menyusun"),
    ReportKind.XLSX: ("mengumpulkan", "menulis"),
}


def progress_name(report: PreparedReport | int) -> str:
    return f"report-{report if isinstance(report, int) else report.pk}"


def expire(now: dt.datetime | None = None) -> int:
    """Delete prepared reports older than REPORT_KEEP_HOURS; the number deleted."""
    limit = (now or timezone.now()) - dt.timedelta(hours=int(settings.REPORT_KEEP_HOURS))
    deleted, _by_model = PreparedReport.objects.filter(created__lt=limit).delete()
    return deleted


def ask(
    *, owner: Any, kecamatan: Region, year: int, kind: str, sectors: Collection[str] | None
) -> PreparedReport:
    """Create the row and queue its preparation (old reports are cleaned up first).

    The same report already waiting or running for the same owner is returned instead of a
    second one; beyond JOBS_MAX_UNFINISHED_PER_USER unfinished reports, jobs.limits.Busy."""
    expire()
    wanted = None if sectors is None else sorted(sectors)
    unfinished = list(
        PreparedReport.objects.filter(
            owner_id=owner.pk, status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING]
        ).defer("content")
    )
    for pending in unfinished:
        if (pending.region_id, pending.year, pending.kind, pending.sectors) == (
            kecamatan.code,
            year,
            kind,
            wanted,
        ):
            return pending
    limits.check_unfinished(len(unfinished))
    with transaction.atomic():  # the worker sees the job only once the row is complete
        report = PreparedReport.objects.create(
            owner=owner,
            region=kecamatan,
            year=year,
            kind=kind,
            sectors=wanted,
        )
        result = prepare_report.enqueue(report.pk)
        PreparedReport.objects.filter(pk=report.pk).update(job_id=result.id)
    report.job_id = result.id
    return report


@task()
def prepare_report(report_id: int) -> int:
    """Build the file of a PreparedReport and store it on the row; its size in bytes."""
    report = PreparedReport.objects.select_related("region").get(pk=report_id)
    PreparedReport.objects.filter(pk=report_id).update(status=ReportStatus.RUNNING)
    name = progress_name(report)
    steps = STEPS[ReportKind(report.kind)]

    def stage(key: str) -> None:
        progress.report(name, key, steps.index(key), len(steps))

    try:
        stage("mengumpulkan")
        content = kecamatan_report(
            kecamatan=report.region,
            year=report.year,
            sectors=None if report.sectors is None else frozenset(report.sectors),
            raw=report.kind == ReportKind.XLSX,
        )
        if report.kind == ReportKind.PDF:
            body = pdf_bytes(content, stage=stage)
        else:
            stage("menulis")
            body = workbook_bytes(content)
    except Exception as exc:
        PreparedReport.objects.filter(pk=report_id).update(
            status=ReportStatus.FAILED,
            finished=timezone.now(),
            # The detail; the page says in its reader's language that it failed.
            error=f"{type(exc).__name__}: {str(exc)[:300]}",
        )
        raise
    finally:
        progress.forget(name)
    PreparedReport.objects.filter(pk=report_id).update(
        status=ReportStatus.DONE, content=body, size=len(body), finished=timezone.now()
    )
    return len(body)
