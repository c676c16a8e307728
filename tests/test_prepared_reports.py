"""Reports prepared in the background: asked for on the kecamatan page, built by the worker
with a progress bar, downloaded by their owner only, audited, and cleaned up."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Action, Assignment, AuditEvent
from jobs import progress, worker
from jobs.models import Job, JobStatus
from regions.models import Region
from reports import tasks
from reports.models import PreparedReport, ReportStatus
from tests.planning_fixtures import (  # noqa: F401
    KECAMATAN,
    camat_fixture,
    client_for,
    planned_fixture,
)

PREPARE = f"/kecamatan/{KECAMATAN}/laporan/?periode=2024"


def ask(client: Client, kind: str) -> PreparedReport:
    response = client.post(PREPARE, {"jenis": kind})
    assert response.status_code == 302
    report = PreparedReport.objects.latest("id")
    assert response["Location"] == f"/laporan/{report.pk}/"
    return report


def test_the_kecamatan_page_leads_to_preparing_its_reports(camat: Client) -> None:
    page = camat.get(f"/kecamatan/{KECAMATAN}/?periode=2024").content.decode()
    assert f"/kecamatan/{KECAMATAN}/laporan/?periode=2024&amp;jenis=pdf" in page
    form = camat.get(PREPARE + "&jenis=xlsx").content.decode()
    assert 'name="jenis" value="xlsx" class="primary"' in form
    assert "Siapkan laporan PDF 2024" in form and "Siapkan laporan Excel 2024" in form
    assert f"/kecamatan/{KECAMATAN}/laporan.pdf?periode=2024" in form  # the direct address


def test_a_pdf_report_is_queued_shown_in_progress_then_offered_for_download(
    camat: Client,
) -> None:
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:  # pragma: no cover - depends on the machine
        pytest.skip(f"WeasyPrint cannot load Pango here: {exc}")
    report = ask(camat, "pdf")
    assert report.status == ReportStatus.QUEUED and report.year == 2024 and report.sectors is None
    assert Job.objects.get(pk=report.job_id).status == JobStatus.READY
    page = camat.get(f"/laporan/{report.pk}/").content.decode()
    assert "<progress" in page and f'hx-get="/laporan/{report.pk}/kemajuan/"' in page
    assert "Menunggu giliran" in page and "/unduh/" not in page
    progress.report(tasks.progress_name(report), "menggambar", 1, 3)
    fragment = camat.get(f"/laporan/{report.pk}/kemajuan/", HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "Menggambar peta dan tabel" in body and 'value="33"' in body and "Tahap 2 dari 3" in body
    assert camat.get(f"/laporan/{report.pk}/unduh/").status_code == 404  # not ready yet
    worker.run_next()
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.size > 1000
    done = camat.get(f"/laporan/{report.pk}/kemajuan/", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    page = camat.get(f"/laporan/{report.pk}/").content.decode()
    assert f"/laporan/{report.pk}/unduh/" in page and "<progress" not in page
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()
    download = camat.get(f"/laporan/{report.pk}/unduh/")
    assert download["Content-Type"] == "application/pdf"
    assert f'laporan-{KECAMATAN}-2024.pdf"' in download["Content-Disposition"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(download.content)).pages)
    assert "Kecamatan Sukamaju" in text
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.region_code == KECAMATAN and event.summary == "laporan PDF 2024 (disiapkan)"


def test_an_excel_report_prepared_in_the_background_has_the_sheets_of_the_direct_one(
    camat: Client,
) -> None:
    report = ask(camat, "xlsx")
    worker.run_next()
    prepared = load_workbook(io.BytesIO(camat.get(f"/laporan/{report.pk}/unduh/").content))
    direct = load_workbook(
        io.BytesIO(camat.get(f"/kecamatan/{KECAMATAN}/laporan.xlsx?periode=2024").content)
    )
    assert prepared.sheetnames == direct.sheetnames and len(prepared.sheetnames) > 3
    listing = camat.get(PREPARE).content.decode()
    assert "siap diunduh" in listing and f"/laporan/{report.pk}/unduh/" in listing


def test_a_report_that_fails_shows_its_error_and_offers_no_file(
    camat: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("data rusak")

    monkeypatch.setattr(tasks, "kecamatan_report", broken)
    report = ask(camat, "xlsx")
    job = worker.run_next()
    assert job is not None and job.status == JobStatus.FAILED
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and report.size == 0
    page = camat.get(f"/laporan/{report.pk}/").content.decode()
    assert "Laporan gagal disiapkan." in page and "could not be prepared" not in page
    assert "data rusak" in page and "/unduh/" not in page
    assert camat.get(f"/laporan/{report.pk}/unduh/").status_code == 404


def test_another_users_report_is_404_even_for_a_reader_of_the_same_kecamatan(
    camat: Client,
) -> None:
    report = ask(camat, "xlsx")
    worker.run_next()
    colleague = client_for("sekcam", "kecamatan", KECAMATAN)
    for suffix in ("", "kemajuan/", "unduh/"):
        assert colleague.get(f"/laporan/{report.pk}/{suffix}").status_code == 404
    assert f"/laporan/{report.pk}/" not in colleague.get(PREPARE).content.decode()
    Region.objects.create(code="91.01.02", level=3, kind="kecamatan", parent_id="91.01", name="X")
    outsider = client_for("lain", "kecamatan", "91.01.02")
    assert outsider.post(PREPARE, {"jenis": "pdf"}).status_code == 404
    assert PreparedReport.objects.count() == 1


def test_a_sector_limited_user_gets_only_their_sectors_and_loses_the_file_with_them(
    planned: None,
) -> None:
    client = client_for("gizi", "kecamatan", KECAMATAN)
    Assignment.objects.filter(user__username="gizi").update(sectors=["gizi"])
    report = ask(client, "xlsx")
    assert report.sectors == ["gizi"]
    worker.run_next()
    book = load_workbook(io.BytesIO(client.get(f"/laporan/{report.pk}/unduh/").content))
    sheets = " ".join(
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
    )
    assert "Gizi" in sheets and "Pendidikan" not in sheets
    whole = load_workbook(
        io.BytesIO(
            client_for("camat", "kecamatan", KECAMATAN)
            .get(f"/kecamatan/{KECAMATAN}/laporan.xlsx?periode=2024")
            .content
        )
    )
    assert "Pendidikan" in " ".join(
        str(c) for ws in whole.worksheets for row in ws.iter_rows(values_only=True) for c in row
    )
    # The report is still listed for its owner, but a narrower scope no longer opens it.
    Assignment.objects.filter(user__username="gizi").update(sectors=["kesehatan"])
    assert client.get(f"/laporan/{report.pk}/unduh/").status_code == 404


def test_reports_older_than_the_keeping_time_are_deleted_when_a_new_one_is_asked_for(
    camat: Client, settings: Any
) -> None:
    settings.REPORT_KEEP_HOURS = 24
    old = ask(camat, "xlsx")
    PreparedReport.objects.filter(pk=old.pk).update(created=timezone.now() - dt.timedelta(hours=25))
    recent = ask(camat, "pdf")
    assert list(PreparedReport.objects.values_list("pk", flat=True)) == [recent.pk]
    assert tasks.expire(now=timezone.now() + dt.timedelta(hours=25)) == 1


def test_the_progress_page_and_its_fragment_take_a_few_queries_however_often_polled(
    camat: Client,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report = ask(camat, "xlsx")
    camat.get(f"/laporan/{report.pk}/")  # the first page view fills the per-user caches
    counts = []
    for url in (f"/laporan/{report.pk}/", f"/laporan/{report.pk}/kemajuan/") * 2:
        with CaptureQueriesContext(connection) as queries:
            assert camat.get(url, HTTP_HX_REQUEST="true").status_code == 200
        counts.append(len(queries.captured_queries))
    assert all(1 <= n <= 8 for n in counts), counts
    assert counts[:2] == counts[2:]  # polling again costs the same


def test_the_same_report_asked_for_again_while_waiting_is_queued_once(camat: Client) -> None:
    first = ask(camat, "pdf")
    second = ask(camat, "pdf")

    assert second.pk == first.pk
    assert PreparedReport.objects.count() == 1
    assert Job.objects.count() == 1


def test_a_user_cannot_queue_more_unfinished_reports_than_the_limit(
    camat: Client, settings: Any
) -> None:
    settings.JOBS_MAX_UNFINISHED_PER_USER = 2
    ask(camat, "pdf")
    ask(camat, "xlsx")

    response = camat.post(f"/kecamatan/{KECAMATAN}/laporan/?periode=2023", {"jenis": "pdf"})

    assert response.status_code == 302
    page = camat.get(response["Location"]).content.decode()
    assert "pekerjaan yang menunggu atau berjalan (batas 2)" in page
    assert PreparedReport.objects.count() == 2 and Job.objects.count() == 2
    worker.run_next()  # one finishes: room for another
    assert camat.post(f"/kecamatan/{KECAMATAN}/laporan/?periode=2023", {"jenis": "pdf"})[
        "Location"
    ].startswith("/laporan/")


def test_a_direct_pdf_beyond_the_per_user_rate_is_refused_with_429(
    camat: Client, settings: Any
) -> None:
    settings.REPORT_PDF_PER_10_MINUTES = 0

    response = camat.get(f"/kecamatan/{KECAMATAN}/laporan.pdf?periode=2024")

    assert response.status_code == 429
    assert "Siapkan laporan" in response.content.decode()
    assert response["Retry-After"] == "600"
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()
