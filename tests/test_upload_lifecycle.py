"""One upload lifecycle for values and APBDes files (intake.lifecycle): the same states, and
a confirm that loses the race to another request writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.models import Action, AuditEvent, Role
from datavalues.models import DataValue
from intake import apbdes, importing, lifecycle
from intake.models import Status, Upload
from planning.models import BudgetLine
from tests.cast import Cast, cast_fixture  # noqa: F401
from tests.intake_files import FIXTURES

pytestmark = pytest.mark.django_db

VALUES = b"kode_wilayah,kode_data,periode,nilai\n34.04.01.2001,BUMIL_SASARAN,2025,30\n"


@pytest.fixture
def staff(cast: Cast, catalogue: None) -> Cast:
    return cast


def send(client: Client, path: str, content: bytes, **data: str) -> Upload:
    response = client.post(path, {"file": SimpleUploadedFile("berkas.csv", content), **data})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Upload.objects.latest("id")


def imported_meanwhile(upload: Upload) -> None:
    """Another request confirmed the same file after this one read the upload row."""
    Upload.objects.filter(pk=upload.pk).update(status=Status.COMMITTED)


def test_values_and_budget_files_go_through_the_same_states(staff: Cast) -> None:
    client = staff.client(Role.KECAMATAN)
    values = send(client, "/impor/", VALUES)
    budget = send(
        client, "/impor/apbdes/", (FIXTURES / "apbdes_siskeudes.csv").read_bytes(), stage="final"
    )
    assert values.status == budget.status == Status.PREVIEWED
    client.post(f"/impor/{values.pk}/konfirmasi/")
    client.post(f"/impor/apbdes/{budget.pk}/konfirmasi/")
    for upload in (values, budget):
        upload.refresh_from_db()
        assert (
            upload.status == Status.COMMITTED and upload.committed_by == staff.users[Role.KECAMATAN]
        )
    # Each import is audited (in the transaction of its writing).
    assert AuditEvent.objects.filter(action=Action.IMPORT).count() == 2


def test_a_budget_confirm_that_lost_the_race_writes_nothing_and_keeps_the_record(
    staff: Cast,
) -> None:
    user = staff.users[Role.KECAMATAN]
    upload = send(
        staff.client(Role.KECAMATAN),
        "/impor/apbdes/",
        (FIXTURES / "apbdes_siskeudes.csv").read_bytes(),
        stage="final",
    )
    assert upload.status == Status.PREVIEWED
    imported_meanwhile(upload)
    with pytest.raises(lifecycle.AlreadyCommitted):
        apbdes.commit_upload(upload, by=user)
    assert not BudgetLine.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.IMPORT).exists()
    assert Upload.objects.get(pk=upload.pk).status == Status.COMMITTED


def test_a_values_confirm_that_lost_the_race_writes_nothing_and_keeps_the_record(
    staff: Cast,
) -> None:
    user = staff.users[Role.KECAMATAN]
    upload = send(staff.client(Role.KECAMATAN), "/impor/", VALUES)
    assert upload.status == Status.PREVIEWED
    imported_meanwhile(upload)
    with pytest.raises(lifecycle.AlreadyCommitted):
        importing.import_commit(upload=upload, by=user)
    assert not DataValue.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.IMPORT).exists()
    assert Upload.objects.get(pk=upload.pk).status == Status.COMMITTED


def test_the_confirm_page_says_so_when_the_file_was_imported_meanwhile(
    staff: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = staff.client(Role.KECAMATAN)
    upload = send(client, "/impor/", VALUES)
    real = lifecycle.confirm

    def racing(upload: Upload, tally: lifecycle.Tally, **kwargs: Any) -> None:
        imported_meanwhile(upload)  # after the page read the upload as previewed
        real(upload, tally, **kwargs)

    monkeypatch.setattr(lifecycle, "confirm", racing)
    page = client.post(f"/impor/{upload.pk}/konfirmasi/", follow=True).content.decode()
    assert "Berkas ini sudah diimpor." in page
    assert not DataValue.objects.exists()


def test_a_status_change_neither_rewrites_the_file_nor_brings_back_a_deleted_content(
    staff: Cast,
) -> None:
    upload = send(staff.client(Role.KECAMATAN), "/impor/", VALUES)
    # The keeping time ends while a request still holds the row as it was read.
    Upload.objects.filter(pk=upload.pk).update(content=b"", content_expired_at=timezone.now())
    lifecycle.record_plan(upload, lifecycle.Tally(rows=1, created=0, updated=0, unchanged=0))
    stored = Upload.objects.get(pk=upload.pk)
    assert stored.status == Status.PREVIEWED and stored.rows == 1
    assert bytes(stored.content) == b"" and stored.content_expired_at is not None
