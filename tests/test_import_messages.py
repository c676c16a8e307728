"""What a confirmed import says: every written row counted (rows with warnings too), checked
against the database, said once, for values, APBDes and other systems' exports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import Role
from datavalues.models import DataValue, ValueChange
from datavalues.writing import ValueInput, save_values
from intake.models import Status, Upload
from jobs import worker
from planning.models import BudgetLine
from tests.cast import Cast, cast_fixture  # noqa: F401
from tests.intake_files import FIXTURES

pytestmark = pytest.mark.django_db

SOURCES = Path(__file__).parent / "fixtures" / "sources"

# Row 2 is new, row 3 changes 70 → 80, row 4 is as stored and row 5 is far above its own
# history (a warning): confirmed with the tick, four rows are saved, two new.
FILE = (
    b"kode_wilayah,kode_data,periode,nilai\n"
    b"34.04.01.2001,BUMIL_ANC,2024,100\n"
    b"34.04.01.2002,BUMIL_SASARAN,2024,80\n"
    b"34.04.01.2002,BUMIL_ANC,2024,60\n"
    b"34.04.01.2001,BUMIL_SASARAN,2024,900\n"
)


@pytest.fixture
def staff(cast: Cast, catalogue: None) -> Cast:
    for year, value in ((2019, 100), (2020, 102), (2021, 98), (2022, 101), (2023, 99)):
        save_values(
            values=[ValueInput("34.04.01.2001", "BUMIL_SASARAN", str(year), value)], how="form"
        )
    save_values(
        values=[
            ValueInput("34.04.01.2002", "BUMIL_SASARAN", "2024", 70),
            ValueInput("34.04.01.2002", "BUMIL_ANC", "2024", 60),
        ],
        how="form",
    )
    return cast


def send(client: Client, content: bytes) -> Upload:
    response = client.post("/impor/", {"file": SimpleUploadedFile("a.csv", content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Upload.objects.latest("id")


def written_by(upload: Upload) -> tuple[int, int]:
    """(new values, changed values) that the upload wrote, from the history."""
    changes = ValueChange.objects.filter(upload=upload)
    return changes.filter(old_value=None).count(), changes.exclude(old_value=None).count()


def test_a_confirmed_file_counts_its_rows_with_warnings_once(staff: Cast) -> None:
    client = staff.client(Role.KECAMATAN)
    upload = send(client, FILE)
    assert upload.warnings == 1
    page = client.post(f"/impor/{upload.pk}/konfirmasi/", {"accept": "1"}, follow=True)
    html = page.content.decode()
    assert written_by(upload) == (2, 1)
    assert (
        DataValue.objects.get(
            region_id="34.04.01.2001", period__code="2024", element__code="BUMIL_SASARAN"
        ).value
        == 900
    )
    said = "Tersimpan: 2 baru, 1 berubah, 1 tetap. 1 baris dengan peringatan ikut disimpan."
    assert html.count("Tersimpan") == 1 and said in html
    upload.refresh_from_db()
    assert (upload.created, upload.updated, upload.unchanged) == (2, 1, 1)
    # Reloaded, the page does not say it again.
    assert "Tersimpan" not in client.get(f"/impor/{upload.pk}/").content.decode()


def test_a_file_imported_by_the_worker_says_the_same_once(staff: Cast, settings: Any) -> None:
    settings.INTAKE_BACKGROUND_KB = 0  # every file goes to the worker
    client = staff.client(Role.KECAMATAN)
    upload = send(client, FILE)
    worker.run_next()
    client.post(f"/impor/{upload.pk}/konfirmasi/", {"accept": "1"})
    worker.run_next()
    upload.refresh_from_db()
    assert upload.status == Status.COMMITTED and written_by(upload) == (2, 1)
    html = client.get(f"/impor/{upload.pk}/").content.decode()
    said = "Tersimpan: 2 baru, 1 berubah, 1 tetap. 1 baris dengan peringatan ikut disimpan."
    assert html.count("Tersimpan") == 1 and said in html


def test_the_message_follows_the_users_language(staff: Cast) -> None:
    client = staff.client(Role.KECAMATAN)
    client.cookies["django_language"] = "en"
    upload = send(client, FILE)
    html = client.post(
        f"/impor/{upload.pk}/konfirmasi/", {"accept": "1"}, follow=True
    ).content.decode()
    assert "Saved: 2 new, 1 changed, 1 unchanged. 1 row with warnings saved too." in html
    assert "Tersimpan" not in html


def test_a_confirmed_budget_file_counts_the_lines_it_wrote_once(cast: Cast) -> None:
    client = cast.client(Role.KECAMATAN)
    response = client.post(
        "/impor/apbdes/",
        {
            "file": SimpleUploadedFile(
                "apbdes.csv", (FIXTURES / "apbdes_siskeudes.csv").read_bytes()
            ),
            "stage": "final",
        },
    )
    assert response.status_code == 302
    upload = Upload.objects.latest("id")
    html = client.post(f"/impor/apbdes/{upload.pk}/konfirmasi/", follow=True).content.decode()
    assert BudgetLine.objects.count() == 3
    assert html.count("Tersimpan") == 1
    assert "Tersimpan: 3 baru, 0 berubah, 0 tetap." in html


def test_a_confirmed_export_of_another_system_counts_the_values_it_wrote_once(
    cast: Cast, catalogue: None
) -> None:
    client = cast.client(Role.KECAMATAN)
    response = client.post(
        "/impor/sumber/",
        {
            "kind": "eppgbm",
            "file": SimpleUploadedFile(
                "ppgbm.csv", (SOURCES / "eppgbm_pengukuran.csv").read_bytes()
            ),
            "kecamatan": "34.04.01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    upload = Upload.objects.get()
    html = client.post(f"/impor/{upload.pk}/konfirmasi/", follow=True).content.decode()
    new, changed = written_by(upload)
    assert new == DataValue.objects.count() == 18 and changed == 0
    assert html.count("Tersimpan") == 1
    upload.refresh_from_db()
    assert f"Tersimpan: {upload.created} baru, 0 berubah, {upload.unchanged} tetap." in html
