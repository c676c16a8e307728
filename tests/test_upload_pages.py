"""Upload → preview → confirm in the browser, the error report, templates and scoping."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Action, AuditEvent, Role
from datavalues.models import DataValue, ValueChange
from datavalues.writing import ValueInput, save_values
from intake.models import Status, Upload
from jobs import worker
from tests.cast import Cast, cast_fixture  # noqa: F401
from tests.intake_files import FIXTURES

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(cast: Cast, catalogue: None) -> Cast:
    return cast


def send(client: object, name: str, content: bytes, **data: str) -> Upload:
    response = client.post(  # type: ignore[attr-defined]
        "/impor/", {"file": SimpleUploadedFile(name, content), **data}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Upload.objects.latest("id")


def test_a_kecamatan_upload_is_previewed_with_every_fate_then_confirmed(staff: Cast) -> None:
    client = staff.client(Role.KECAMATAN)
    save_values(values=[ValueInput("34.04.01.2002", "BUMIL_SASARAN", "2024", 70)], how="form")
    upload = send(client, "a.csv", (FIXTURES / "long_basic.csv").read_bytes())
    assert upload.status == Status.PREVIEWED and upload.uploaded_by == staff.users[Role.KECAMATAN]
    page = client.get(f"/impor/{upload.pk}/").content.decode()
    assert "fate-baru" in page and "fate-berubah" in page and "70 → 80" in page
    assert DataValue.objects.count() == 1  # the preview writes nothing
    response = client.post(f"/impor/{upload.pk}/konfirmasi/")
    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.status == Status.COMMITTED and upload.committed_by == staff.users[Role.KECAMATAN]
    assert DataValue.objects.count() == 3
    assert ValueChange.objects.filter(how="file", changed_by=upload.committed_by).count() == 3
    assert sorted(ValueChange.objects.values_list("how", "upload")) == [
        ("file", upload.pk),
        ("file", upload.pk),
        ("file", upload.pk),
        ("form", None),  # the value saved above
    ]
    audit_row = AuditEvent.objects.get(action=Action.IMPORT)
    assert audit_row.username == "kecamatan" and audit_row.detail["upload"] == upload.pk
    # A second confirm of the same upload changes nothing.
    client.post(f"/impor/{upload.pk}/konfirmasi/")
    assert ValueChange.objects.filter(how="file").count() == 3


def test_a_file_with_an_error_cannot_be_confirmed_and_its_report_names_the_reason(
    staff: Cast,
) -> None:
    client = staff.client(Role.KECAMATAN)
    upload = send(client, "bad.csv", (FIXTURES / "one_bad_row.csv").read_bytes())
    assert upload.status == Status.REJECTED and upload.errors == 1
    page = client.get(f"/impor/{upload.pk}/").content.decode()
    assert "Perbaiki galat" in page and "konfirmasi/" not in page
    client.post(f"/impor/{upload.pk}/konfirmasi/")
    assert DataValue.objects.count() == 0 and ValueChange.objects.count() == 0
    report = client.get(f"/impor/{upload.pk}/laporan.csv")
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["baris", "status", "kode_wilayah", "kode_data", "periode", "nilai", "alasan"]
    assert rows[1][:6] == ["3", "galat", "34.04.01.2002", "BUMIL_SASARAN", "2024", "'-5"]
    assert "negatif" in rows[1][6]


def test_a_desa_operator_cannot_write_another_desa(staff: Cast) -> None:
    client = staff.client(Role.DESA)  # 34.04.01.2001
    upload = send(client, "x.csv", (FIXTURES / "other_desa.csv").read_bytes())
    page = client.get(f"/impor/{upload.pk}/").content.decode()
    assert "di luar wilayah" in page
    client.post(f"/impor/{upload.pk}/konfirmasi/")
    assert DataValue.objects.count() == 0


def test_an_unclosed_quote_swallowing_the_file_is_a_file_error_not_a_crash(
    staff: Cast,
) -> None:
    client = staff.client(Role.KECAMATAN)
    content = (
        b'kode_wilayah,kode_data,periode,nilai\n34.04.01.2001,BUMIL_SASARAN,2024,"80\n'
        + b"x" * 200_000
        + b"\n"
    )

    upload = send(client, "kutip.csv", content)

    upload.refresh_from_db()
    assert upload.status == Status.REJECTED
    assert "tanda kutip yang tidak ditutup" in upload.message
    page = client.get(f"/impor/{upload.pk}/")
    assert page.status_code == 200
    assert "tanda kutip yang tidak ditutup" in page.content.decode()
    assert DataValue.objects.count() == 0


def test_another_users_upload_is_not_found(staff: Cast) -> None:
    upload = send(staff.client(Role.DESA), "a.csv", b"kode_wilayah,kode_data,periode,nilai\n")
    other = staff.client(Role.KECAMATAN)
    assert other.get(f"/impor/{upload.pk}/").status_code == 404
    assert other.post(f"/impor/{upload.pk}/konfirmasi/").status_code == 404


def test_warnings_need_the_confirming_tick(staff: Cast) -> None:
    for year, value in ((2019, 100), (2020, 102), (2021, 98), (2022, 101), (2023, 99)):
        save_values(
            values=[ValueInput("34.04.01.2001", "BUMIL_SASARAN", str(year), value)], how="form"
        )
    client = staff.client(Role.KECAMATAN)
    content = b"kode_wilayah,kode_data,periode,nilai\n34.04.01.2001,BUMIL_SASARAN,2024,900\n"
    upload = send(client, "w.csv", content)
    assert upload.warnings == 1
    client.post(f"/impor/{upload.pk}/konfirmasi/")
    assert not DataValue.objects.filter(period__code="2024").exists()
    client.post(f"/impor/{upload.pk}/konfirmasi/", {"accept": "1"})
    assert DataValue.objects.get(period__code="2024").value == 900


def test_a_renamed_image_is_refused_at_upload_and_nothing_is_stored(staff: Cast) -> None:
    client = staff.client(Role.KECAMATAN)
    upload = send(client, "foto.xlsx", (FIXTURES / "renamed_image.xlsx").read_bytes())
    assert upload.status == Status.REJECTED and "PNG" in upload.message
    assert "PNG" in client.get(f"/impor/{upload.pk}/").content.decode()


def test_templates_list_the_desa_of_the_kecamatan_with_codes_and_element_headers(
    staff: Cast,
) -> None:
    client = staff.client(Role.KECAMATAN)
    body = client.get("/impor/templat/34.04.01.csv?sektor=kesehatan").content.decode("utf-8-sig")
    lines = body.splitlines()
    assert lines[0].startswith("kode_wilayah;nama_desa;periode;")
    assert "BUMIL_SASARAN (" in lines[0] and "IDM_SKOR" not in lines[0]
    assert lines[1].startswith("34.04.01.2001;Balecatur;")
    response = client.get("/impor/templat/34.04.01.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None and sheet["A2"].value == "34.04.01.2001"


def test_the_gizi_template_comes_as_a_monthly_and_a_yearly_file(staff: Cast) -> None:
    client = staff.client(Role.KECAMATAN)
    page = client.get("/impor/").content.decode()
    assert '?sektor=gizi&amp;jenis=month">Gizi dan stunting (bulanan)</a>' in page
    assert '?sektor=gizi&amp;jenis=year">Gizi dan stunting (tahunan)</a>' in page
    assert '?sektor=kesehatan">Kesehatan</a>' in page  # one period type: one file

    def header(kind: str) -> str:
        url = f"/impor/templat/34.04.01.csv?sektor=gizi&jenis={kind}"
        return client.get(url).content.decode("utf-8-sig").splitlines()[0]

    monthly, yearly = header("month"), header("year")
    assert "BALITA_STUNTING (" in monthly and "BAYI_IDL (" in monthly
    assert "BALITA_SASARAN" not in monthly and "BUMIL_KEK (" not in monthly
    assert "BUMIL_KEK (" in yearly and "BALITA_STUNTING" not in yearly
    response = client.get("/impor/templat/34.04.01.xlsx?sektor=gizi&jenis=month")
    assert "templat-34.04.01-gizi-month.xlsx" in response["Content-Disposition"]


def test_a_filled_template_imports(staff: Cast) -> None:
    client = staff.client(Role.KECAMATAN)
    response = client.get("/impor/templat/34.04.01.xlsx?sektor=kesehatan")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert sheet is not None
    sheet["C2"] = "2024"
    sheet["D2"] = 12  # first element column
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = send(client, "t.xlsx", buffer.getvalue())
    assert upload.status == Status.PREVIEWED, upload.message
    client.post(f"/impor/{upload.pk}/konfirmasi/")
    assert DataValue.objects.get(region_id="34.04.01.2001").value == 12


def test_a_template_download_name_cannot_be_broken_by_the_sector_parameter(staff: Cast) -> None:
    client = staff.client(Role.KECAMATAN)

    response = client.get('/impor/templat/34.04.01.csv?sektor=kesehatan";%20x=../../etc')

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="templat-34.04.01-kesehatanxetc.csv"'
    )


def test_the_import_audit_event_is_written_in_the_transaction_of_the_import(
    staff: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure between the values and their audit event leaves neither (a kill -9 after
    the commit once left a committed import without its event)."""
    from accounts import audit

    client = staff.client(Role.KECAMATAN)
    upload = send(client, "a.csv", (FIXTURES / "long_basic.csv").read_bytes())
    seen: list[bool] = []

    def fail(*args: object, **kwargs: object) -> None:
        from django.db import connection

        seen.append(connection.in_atomic_block and DataValue.objects.count() == 3)
        raise RuntimeError("the process dies here")

    monkeypatch.setattr(audit, "record", fail)
    with pytest.raises(RuntimeError):
        client.post(f"/impor/{upload.pk}/konfirmasi/")
    assert seen == [True]  # the values were written, in the same open transaction
    assert not DataValue.objects.exists() and not ValueChange.objects.exists()
    upload.refresh_from_db()
    assert upload.status != Status.COMMITTED


def test_a_user_cannot_queue_more_background_checks_than_the_limit(
    staff: Cast, settings: Any
) -> None:
    settings.INTAKE_BACKGROUND_KB = 0  # every file goes to the worker
    settings.JOBS_MAX_UNFINISHED_PER_USER = 1
    client = staff.client(Role.KECAMATAN)
    content = (FIXTURES / "long_basic.csv").read_bytes()
    first = send(client, "a.csv", content)
    assert first.status == Status.CHECKING

    response = client.post("/impor/", {"file": SimpleUploadedFile("b.csv", content)})

    assert response.status_code == 200
    assert "batas 1" in response.content.decode()
    assert Upload.objects.count() == 1


def test_the_content_of_old_uploads_is_deleted_and_their_digest_and_counts_kept(
    staff: Cast,
) -> None:
    client = staff.client(Role.KECAMATAN)
    old = send(client, "lama.csv", (FIXTURES / "long_basic.csv").read_bytes())
    old.refresh_from_db()
    digest, size, rows = old.sha256, old.size, old.rows
    Upload.objects.filter(pk=old.pk).update(uploaded_at=timezone.now() - dt.timedelta(days=31))

    send(client, "baru.csv", (FIXTURES / "long_basic.csv").read_bytes())  # cleans up

    old.refresh_from_db()
    assert bytes(old.content) == b"" and old.content_expired_at is not None
    assert (old.sha256, old.size, old.rows) == (digest, size, rows)
    page = client.get(f"/impor/{old.pk}/")
    assert page.status_code == 200
    assert "sudah dihapus" in page.content.decode()
    assert client.post(f"/impor/{old.pk}/konfirmasi/").status_code in (200, 302)
    assert DataValue.objects.count() == 0


def test_a_user_over_the_upload_quota_is_refused_until_old_contents_expire(
    staff: Cast, settings: Any
) -> None:
    settings.INTAKE_QUOTA_MB = 1
    client = staff.client(Role.KECAMATAN)
    content = (FIXTURES / "long_basic.csv").read_bytes()
    kept = send(client, "a.csv", content)
    Upload.objects.filter(pk=kept.pk).update(size=1024 * 1024)

    refused = client.post("/impor/", {"file": SimpleUploadedFile("b.csv", content)})

    assert refused.status_code == 200
    assert "batasnya 1 MB" in refused.content.decode()
    assert Upload.objects.count() == 1
    Upload.objects.filter(pk=kept.pk).update(uploaded_at=timezone.now() - dt.timedelta(days=31))
    assert send(client, "b.csv", content).file_name == "b.csv"


def test_an_oversized_upload_is_dropped_before_it_is_spooled_to_disk(
    staff: Cast, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.files import uploadhandler

    settings.INTAKE_MAX_UPLOAD_MB = 1
    spooled: list[int] = []
    original = uploadhandler.TemporaryFileUploadHandler.receive_data_chunk

    def counting(self: Any, raw_data: bytes, start: int) -> Any:
        spooled.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(uploadhandler.TemporaryFileUploadHandler, "receive_data_chunk", counting)
    big = b"kode_wilayah,kode_data,periode,nilai\n" + b"34.04.01.2001,X,2024,1\n" * 140_000

    response = staff.client(Role.KECAMATAN).post(
        "/impor/", {"file": SimpleUploadedFile("besar.csv", big)}
    )

    assert response.status_code == 200
    assert "melebihi batas 1 MB" in response.content.decode()
    assert sum(spooled) == 0
    assert Upload.objects.count() == 0


def test_a_confirm_beyond_the_unfinished_job_limit_queues_nothing(
    staff: Cast, settings: Any
) -> None:
    settings.INTAKE_BACKGROUND_KB = 0
    client = staff.client(Role.KECAMATAN)
    content = (FIXTURES / "long_basic.csv").read_bytes()
    upload = send(client, "a.csv", content)
    worker.run_next()  # checked: ready to confirm
    upload.refresh_from_db()
    assert upload.status == Status.PREVIEWED
    settings.JOBS_MAX_UNFINISHED_PER_USER = 1
    busy = send(client, "b.csv", content)  # being checked: the one unfinished job allowed
    assert busy.status == Status.CHECKING

    response = client.post(f"/impor/{upload.pk}/konfirmasi/")

    upload.refresh_from_db()
    assert upload.status == Status.PREVIEWED
    assert "batas 1" in client.get(response["Location"]).content.decode()
