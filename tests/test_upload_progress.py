"""Big files in the background: queued → progress fragment → the preview as before →
confirm → queued import → result; failures, the threshold and another user's upload."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Action, AuditEvent, Role
from datavalues.models import DataValue, ValueChange
from datavalues.writing import ValueInput, save_values
from intake import importing, tasks
from intake.models import Status, Upload
from jobs import progress, worker
from jobs.models import Job, JobStatus
from tests.cast import Cast, cast_fixture  # noqa: F401
from tests.intake_files import FIXTURES

pytestmark = pytest.mark.django_db

BASIC = (FIXTURES / "long_basic.csv").read_bytes()


@pytest.fixture
def staff(cast: Cast, catalogue: None, settings: Any) -> Cast:
    settings.INTAKE_BACKGROUND_KB = 0  # every file goes to the worker
    return cast


def send(client: Any, name: str, content: bytes) -> Upload:
    response = client.post("/impor/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Upload.objects.latest("id")


def test_a_big_file_is_checked_by_the_worker_while_the_page_shows_its_progress(
    staff: Cast,
) -> None:
    client = staff.client(Role.KECAMATAN)
    save_values(values=[ValueInput("34.04.01.2002", "BUMIL_SASARAN", "2024", 70)], how="form")
    upload = send(client, "besar.csv", BASIC)
    assert upload.status == Status.CHECKING and upload.job_id
    assert Job.objects.get(pk=upload.job_id).status == JobStatus.READY
    page = client.get(f"/impor/{upload.pk}/").content.decode()
    assert "<progress" in page and f'hx-get="/impor/{upload.pk}/kemajuan/"' in page
    assert '<noscript><meta http-equiv="refresh"' in page  # works without JavaScript
    assert "Menunggu giliran untuk diperiksa" in page and "fate-baru" not in page
    # The worker reports progress through the cache; the fragment shows it.
    progress.report(tasks.progress_name(upload), "memeriksa", 2, 4)
    fragment = client.get(f"/impor/{upload.pk}/kemajuan/", HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert fragment.status_code == 200 and 'value="50"' in body and "Memeriksa setiap baris" in body
    assert "<html" not in body
    worker.run_next()
    upload.refresh_from_db()
    assert upload.status == Status.PREVIEWED and upload.rows == 3 and upload.created == 2
    finished = client.get(f"/impor/{upload.pk}/kemajuan/", HTTP_HX_REQUEST="true")
    assert finished["HX-Refresh"] == "true"
    assert client.get(f"/impor/{upload.pk}/kemajuan/").status_code == 302  # without htmx
    page = client.get(f"/impor/{upload.pk}/").content.decode()
    assert "fate-baru" in page and "fate-berubah" in page and "70 → 80" in page
    assert "Konfirmasi: simpan semuanya" in page and "<progress" not in page
    assert DataValue.objects.count() == 1  # checking writes nothing


def test_the_preview_of_a_checked_big_file_is_not_planned_again_in_the_request(
    staff: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = staff.client(Role.KECAMATAN)
    upload = send(client, "besar.csv", BASIC)
    worker.run_next()

    def no_planning(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("planned in the request")

    monkeypatch.setattr(importing, "plan_upload", no_planning)
    page = client.get(f"/impor/{upload.pk}/").content.decode()
    assert "34.04.01.2001" in page and "fate-baru" in page


def test_confirming_a_big_file_queues_the_import_and_the_result_shows_when_done(
    staff: Cast,
) -> None:
    client = staff.client(Role.KECAMATAN)
    upload = send(client, "besar.csv", BASIC)
    worker.run_next()
    assert client.post(f"/impor/{upload.pk}/konfirmasi/").status_code == 302
    upload.refresh_from_db()
    assert upload.status == Status.IMPORTING and DataValue.objects.count() == 0
    page = client.get(f"/impor/{upload.pk}/").content.decode()
    assert "<progress" in page and "Menunggu giliran untuk diimpor" in page
    progress.report(tasks.progress_name(upload), "menyimpan", 3, None)
    fragment = client.get(f"/impor/{upload.pk}/kemajuan/").content.decode()
    assert "Menyimpan semuanya dalam satu transaksi" in fragment
    assert "<progress></progress>" in fragment and "3 baris diperiksa" in fragment
    # A second click while it is queued queues nothing more.
    again = client.post(f"/impor/{upload.pk}/konfirmasi/", follow=True).content.decode()
    assert "Berkas ini sedang atau sudah diimpor." in again
    assert Job.objects.filter(status=JobStatus.READY).count() == 1
    worker.run_next()
    upload.refresh_from_db()
    assert upload.status == Status.COMMITTED
    assert upload.committed_by == staff.users[Role.KECAMATAN]
    assert DataValue.objects.count() == 3 and ValueChange.objects.filter(how="file").count() == 3
    event = AuditEvent.objects.get(action=Action.IMPORT)
    assert event.username == "kecamatan" and event.detail["upload"] == upload.pk
    page = client.get(f"/impor/{upload.pk}/").content.decode()
    assert "Tersimpan: 3 baru, 0 berubah, 0 tetap." in page and "Konfirmasi" not in page


def test_an_import_that_fails_in_the_worker_shows_its_error_and_writes_nothing(
    staff: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = staff.client(Role.KECAMATAN)
    upload = send(client, "besar.csv", BASIC)
    worker.run_next()
    client.post(f"/impor/{upload.pk}/konfirmasi/")

    def broken(upload: Upload, plan: importing.Plan) -> None:  # after the values were written
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(importing, "record_plan", broken)
    job = worker.run_next()
    assert job is not None and job.status == JobStatus.FAILED
    upload.refresh_from_db()
    assert upload.status == Status.FAILED
    assert DataValue.objects.count() == 0 and ValueChange.objects.count() == 0
    assert not AuditEvent.objects.filter(action=Action.IMPORT).exists()
    page = client.get(f"/impor/{upload.pk}/").content.decode()
    assert "Tidak ada yang disimpan: RuntimeError" in page and "The job failed" not in page
    assert "disk penuh" in page
    # The preview is still there, and the file may be confirmed again.
    assert "fate-baru" in page and "Konfirmasi: simpan semuanya" in page


def test_a_check_that_fails_in_the_worker_shows_its_error_instead_of_a_preview(
    staff: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = staff.client(Role.KECAMATAN)
    upload = send(client, "besar.csv", BASIC)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("pembaca rusak")

    monkeypatch.setattr(importing, "plan_upload", broken)
    worker.run_next()
    upload.refresh_from_db()
    assert upload.status == Status.FAILED and upload.preview is None
    page = client.get(f"/impor/{upload.pk}/").content.decode()
    assert "Pekerjaan gagal; tidak ada yang disimpan." in page and "pembaca rusak" in page
    assert "<progress" not in page and "Konfirmasi" not in page


def test_a_refused_background_import_says_why_and_writes_nothing(staff: Cast) -> None:
    for year, value in ((2019, 100), (2020, 102), (2021, 98), (2022, 101), (2023, 99)):
        save_values(
            values=[ValueInput("34.04.01.2001", "BUMIL_SASARAN", str(year), value)], how="form"
        )
    client = staff.client(Role.KECAMATAN)
    upload = send(
        client,
        "w.csv",
        b"kode_wilayah,kode_data,periode,nilai\n34.04.01.2001,BUMIL_SASARAN,2024,900\n",
    )
    worker.run_next()
    client.post(f"/impor/{upload.pk}/konfirmasi/")  # without the tick for the warning
    worker.run_next()
    upload.refresh_from_db()
    assert upload.status == Status.PREVIEWED
    assert not DataValue.objects.filter(period__code="2024").exists()
    page = client.get(f"/impor/{upload.pk}/").content.decode()
    assert "Tidak ada yang disimpan: " in page and "peringatan" in page
    assert "nothing was saved" not in page


def test_files_below_the_threshold_are_still_checked_in_the_request(
    staff: Cast, settings: Any
) -> None:
    settings.INTAKE_BACKGROUND_KB = 1  # long_basic.csv is about 200 bytes
    client = staff.client(Role.KECAMATAN)
    upload = send(client, "kecil.csv", BASIC)
    assert upload.status == Status.PREVIEWED and not upload.job_id
    assert not Job.objects.exists()
    client.post(f"/impor/{upload.pk}/konfirmasi/")
    assert DataValue.objects.count() == 3 and not Job.objects.exists()
    big = BASIC + b"\n" * 1024  # trailing blank lines: the same rows, past 1 KB
    upload = send(client, "besar.csv", big)
    assert upload.status == Status.CHECKING and Job.objects.count() == 1


def test_another_users_upload_and_its_progress_are_404(staff: Cast) -> None:
    upload = send(staff.client(Role.DESA), "a.csv", BASIC)
    other = staff.client(Role.KECAMATAN)
    assert other.get(f"/impor/{upload.pk}/").status_code == 404
    assert other.get(f"/impor/{upload.pk}/kemajuan/").status_code == 404
    assert other.post(f"/impor/{upload.pk}/konfirmasi/").status_code == 404
    assert not Job.objects.exclude(pk=upload.job_id).exists()
