"""The upload of another system's export on /impor/sumber/: counted in memory, previewed
and confirmed on the values import pages; the personal data note is on the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from datavalues.models import DataValue
from intake.models import Status, Upload
from tests import source_files as files
from tests.cast import Cast, cast_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


@pytest.fixture
def staff(cast: Cast, catalogue: None) -> Cast:
    return cast


def test_the_source_upload_page_says_personal_data_is_only_counted_under_uu_27_2022(
    staff: Cast,
) -> None:
    page = staff.client(Role.KECAMATAN).get("/impor/sumber/").content.decode()
    assert "UU 27/2022" in page and "e-PPGBM" in page and "OpenSID" in page
    assert "/impor/sumber/" in staff.client(Role.KECAMATAN).get("/impor/").content.decode()


def test_an_eppgbm_export_is_counted_previewed_and_confirmed_without_keeping_the_file(
    staff: Cast,
) -> None:
    client = staff.client(Role.KECAMATAN)
    content = (FIXTURES / "eppgbm_pengukuran.csv").read_bytes()
    response = client.post(
        "/impor/sumber/",
        {
            "kind": "eppgbm",
            "file": SimpleUploadedFile("ppgbm.csv", content),
            "kecamatan": "34.04.01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    upload = Upload.objects.get()
    assert response["Location"] == f"/impor/{upload.pk}/"
    assert upload.status == Status.PREVIEWED and upload.kind == "values"
    stored = bytes(upload.content).decode()
    assert "BALITA_STUNTING" in stored
    assert not any(personal in stored for personal in files.PERSONAL)
    assert DataValue.objects.count() == 0  # the preview writes nothing
    page = client.get(f"/impor/{upload.pk}/").content.decode()
    assert "BALITA_STUNTING" in page
    client.post(f"/impor/{upload.pk}/konfirmasi/")
    assert DataValue.objects.filter(source="e-PPGBM").count() == 18


def test_an_export_with_bad_rows_is_shown_row_by_row_and_nothing_is_kept(staff: Cast) -> None:
    children = list(files.EPPGBM_CHILDREN)
    children[0] = (*children[0][:3], "", *children[0][4:])  # no birth date
    rows = files.eppgbm_rows(children)
    body = ";".join(files.EPPGBM_HEADER) + "\n" + "\n".join(";".join(r) for r in rows)
    response = staff.client(Role.KECAMATAN).post(
        "/impor/sumber/",
        {
            "kind": "eppgbm",
            "file": SimpleUploadedFile("bad.csv", body.encode()),
            "kecamatan": "34.04.01",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Tgl Lahir" in page and "tanggal kosong" in page
    assert "Bagas" not in page and "3404011508240001" not in page
    assert not Upload.objects.exists() and not DataValue.objects.exists()


def test_a_desa_outside_the_users_area_is_refused(staff: Cast) -> None:
    response = staff.client(Role.KECAMATAN).post(
        "/impor/sumber/",
        {
            "kind": "opensid",
            "file": SimpleUploadedFile("p.xlsx", (FIXTURES / "opensid_penduduk.xlsx").read_bytes()),
            "desa": "34.04.02.2001",
            "period": "2025",
        },
    )
    assert response.status_code == 200 and "di luar wilayah" in response.content.decode()
    assert not Upload.objects.exists()


def test_a_siskeudes_rab_export_goes_to_the_apbdes_preview_and_is_confirmed_there(
    staff: Cast,
) -> None:
    from planning.models import BudgetLine
    from tests.test_source_adapters import SISKEUDES

    body = "\n".join(";".join(row) for row in SISKEUDES).encode()
    client = staff.client(Role.KECAMATAN)
    response = client.post(
        "/impor/sumber/",
        {
            "kind": "siskeudes",
            "file": SimpleUploadedFile("rab.csv", body),
            "desa": "34.04.01.2001",
        },
    )
    upload = Upload.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/impor/apbdes/{upload.pk}/"
    assert upload.kind == "apbdes" and b"Honor kader" not in bytes(upload.content)
    assert not BudgetLine.objects.exists()
    client.post(f"/impor/apbdes/{upload.pk}/konfirmasi/")
    assert BudgetLine.objects.filter(desa_id="34.04.01.2001", year=2025).count() == 4
