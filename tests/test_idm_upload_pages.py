"""Kemendes IDM files on /impor/: the preview (classes, codes resolved through the crosswalk,
name-match suggestions, leftovers), the confirm, the leftover lists and dashboard notices,
who may import which rows, refused files and the background path."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import Action, AuditEvent, Role
from datavalues.models import DataValue
from intake.models import IdmLeftover, Status, Upload
from jobs import worker
from regions.models import CodeChangeKind, RegionCodeChange
from tests.cast import Cast, cast_fixture  # noqa: F401
from tests.intake_files import xlsx

pytestmark = pytest.mark.django_db

# The official Kemendes layout: undotted ten-digit codes, upper-case column names.
HEADER = [
    "KODE_DESA",
    "NAMA_PROVINSI",
    "NAMA_KABUPATEN",
    "NAMA_DESA",
    "IKS_2024",
    "IKE_2024",
    "IKL_2024",
    "NILAI_IDM_2024",
    "STATUS_IDM_2024",
]


def row(code: str, kabupaten: str, name: str, status: str, score: float = 0.7) -> list[Any]:
    return [code, "DI YOGYAKARTA", kabupaten, name, 0.7, 0.7, 0.7, score, status]


ROWS = [
    row("3401012001", "KULON PROGO", "JANGKARAN", "MANDIRI", 0.8783),  # own code
    row("3404182003", "SLEMAN", "AMBARKETAWANG", "MAJU"),  # old code in the crosswalk
    row("3404192001", "SLEMAN", "Desa Balecatur", "BERKEMBANG"),  # unknown: a name match
    row("3404992002", "SLEMAN", "ENTAH DI MANA", "TERTINGGAL"),  # unknown, no such name
]


@pytest.fixture
def staff(cast: Cast, catalogue: None) -> Cast:
    RegionCodeChange.objects.create(
        old_code="34.04.18.2003",
        old_name="AMBARKETAWANG",
        region_id="34.04.01.2002",
        kind=CodeChangeKind.MOVE,
        edition="Kepmendagri 2022",
        source="uji",
    )
    return cast


def send(client: Client, rows: list[list[Any]], name: str = "idm_2024.xlsx") -> Upload:
    content = xlsx([HEADER, *rows])
    response = client.post("/impor/", {"kind": "idm", "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Upload.objects.latest("id")


def values_at(element: str = "IDM_SKOR") -> set[str]:
    return set(DataValue.objects.filter(element__code=element).values_list("region_id", flat=True))


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_the_preview_shows_classes_resolved_codes_suggestions_and_leftovers_and_writes_nothing(
    staff: Cast,
) -> None:
    client = staff.client(Role.ADMIN)
    upload = send(client, ROWS)
    assert upload.kind == "idm" and upload.status == Status.PREVIEWED and upload.rows == 4
    page = client.get(f"/impor/{upload.pk}/").content.decode()
    assert "<th>MANDIRI</th><td>1</td>" in page and "<th>MAJU</th><td>1</td>" in page
    assert "<th>BERKEMBANG</th><td>0</td>" in page  # not written unless its match is ticked
    # The old code resolved through the crosswalk, per row.
    assert '<td class="code">34.04.18.2003</td><td class="code">34.04.01.2002</td>' in page
    # The name match, with a box to tick and the desa it would go to.
    assert 'name="cocok" value="34.04.19.2001"' in page and "Balecatur" in page
    assert 'name="semua"' in page
    assert "34.04.99.2002" in page and "ENTAH DI MANA" in page
    assert f"/impor/{upload.pk}/tidak-cocok.csv" in page
    assert not DataValue.objects.exists() and not IdmLeftover.objects.exists()
    assert RegionCodeChange.objects.count() == 1


def test_confirming_writes_the_rows_and_stores_ticked_name_matches_for_later_imports(
    staff: Cast,
) -> None:
    client = staff.client(Role.ADMIN)
    upload = send(client, ROWS)
    response = client.post(f"/impor/{upload.pk}/konfirmasi/", {"cocok": ["34.04.19.2001"]})
    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.status == Status.COMMITTED and upload.created == 3 * 6
    assert values_at() == {"34.01.01.2001", "34.04.01.2002", "34.04.01.2001"}
    match = RegionCodeChange.objects.get(old_code="34.04.19.2001")
    assert (match.region_id, match.name_match, match.old_name) == (
        "34.04.01.2001",
        True,
        "Desa Balecatur",
    )
    assert match.edition == "Kemendes IDM 2024"
    assert list(IdmLeftover.objects.values_list("code", "upload")) == [("34.04.99.2002", upload.pk)]
    event = AuditEvent.objects.get(action=Action.IMPORT)
    assert event.detail["upload"] == upload.pk and event.detail["name_matches"] == 1
    page = client.get(f"/impor/{upload.pk}/", follow=True).content.decode()
    assert "1 padanan nama disimpan" in page or "Tersimpan" in page

    # A later import finds Balecatur through the stored match: no suggestion, and says so.
    again = send(client, ROWS)
    page = client.get(f"/impor/{again.pk}/").content.decode()
    assert 'name="cocok"' not in page
    assert "34.04.19.2001" in page and "padanan tersimpan, cocok nama" in page
    client.post(f"/impor/{again.pk}/konfirmasi/")
    again.refresh_from_db()
    assert again.status == Status.COMMITTED and again.unchanged == 3 * 6 and again.created == 0
    assert IdmLeftover.objects.get().upload_id == again.pk  # replaced, not added


def test_unticked_suggestions_stay_left_over_and_confirm_all_takes_every_one(
    staff: Cast,
) -> None:
    client = staff.client(Role.ADMIN)
    upload = send(client, ROWS)
    client.post(f"/impor/{upload.pk}/konfirmasi/")
    assert values_at() == {"34.01.01.2001", "34.04.01.2002"}
    assert not RegionCodeChange.objects.filter(name_match=True).exists()
    assert sorted(IdmLeftover.objects.values_list("code", flat=True)) == [
        "34.04.19.2001",
        "34.04.99.2002",
    ]
    everything = send(client, ROWS)
    client.post(f"/impor/{everything.pk}/konfirmasi/", {"semua": "1"})
    assert "34.04.01.2001" in values_at()
    assert RegionCodeChange.objects.filter(name_match=True).count() == 1
    assert list(IdmLeftover.objects.values_list("code", flat=True)) == ["34.04.99.2002"]


def test_a_file_of_name_matches_only_can_be_confirmed(staff: Cast) -> None:
    client = staff.client(Role.ADMIN)
    upload = send(client, [ROWS[2]])
    page = client.get(f"/impor/{upload.pk}/").content.decode()
    assert 'name="cocok" value="34.04.19.2001"' in page and "Konfirmasi" in page
    client.post(f"/impor/{upload.pk}/konfirmasi/", {"cocok": ["34.04.19.2001"]})
    assert values_at() == {"34.04.01.2001"}


def test_leftovers_are_downloadable_and_counted_on_the_dashboards_of_their_areas(
    staff: Cast,
) -> None:
    client = staff.client(Role.ADMIN)
    upload = send(client, ROWS)
    client.post(f"/impor/{upload.pk}/konfirmasi/")
    listed = csv_rows(client.get(f"/impor/{upload.pk}/tidak-cocok.csv").content)
    assert listed[0][:4] == ["kode", "nama", "kabupaten", "alasan"]
    assert [r[:3] for r in listed[1:]] == [
        ["34.04.19.2001", "Desa Balecatur", "SLEMAN"],
        ["34.04.99.2002", "ENTAH DI MANA", "SLEMAN"],
    ]
    assert listed[1][3].startswith("kode tidak dikenal")
    for path in ("/nasional/", "/provinsi/34/", "/kabupaten/34.04/"):
        page = client.get(path).content.decode()
        assert "IDM 2024: 2 baris tidak cocok dengan daftar wilayah" in page, path
    assert "/impor/idm/tidak-cocok.csv" in client.get("/nasional/").content.decode()
    assert "/impor/idm/tidak-cocok/34.04.csv" in client.get("/kabupaten/34.04/").content.decode()
    assert (
        "tidak cocok dengan daftar wilayah" not in client.get("/kabupaten/34.01/").content.decode()
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/kabupaten/34.04/").content.decode()
    assert "IDM 2024: 2 rows do not match the region list." in english
    preview = client.get(f"/impor/{upload.pk}/").content.decode()
    assert "Rows not matching the region list" in preview and "Count per status" in preview
    planner = staff.client(Role.KABUPATEN)
    assert "IDM 2024: 2 baris" in planner.get("/kabupaten/34.04/").content.decode()
    area = csv_rows(planner.get("/impor/idm/tidak-cocok/34.04.csv").content)
    assert [r[0] for r in area[1:]] == ["34.04.19.2001", "34.04.99.2002"]
    assert planner.get("/impor/idm/tidak-cocok.csv").status_code == 404  # not national
    assert planner.get("/impor/idm/tidak-cocok/34.01.csv").status_code == 404


def test_a_kabupaten_planner_imports_the_rows_of_their_kabupaten_only(staff: Cast) -> None:
    client = staff.client(Role.KABUPATEN)  # Sleman, 34.04
    assert "IDM Kemendes per desa" in client.get("/impor/").content.decode()
    upload = send(client, [*ROWS, row("3401992001", "KULON PROGO", "ENTAH", "MAJU")])
    page = client.get(f"/impor/{upload.pk}/").content.decode()
    assert "baris di luar wilayah Anda (tidak diimpor)</th><td>2</td>" in page
    assert "3401012001" not in page and "34.01.01.2001" not in page
    client.post(f"/impor/{upload.pk}/konfirmasi/", {"cocok": ["34.04.19.2001"]})
    assert values_at() == {"34.04.01.2002", "34.04.01.2001"}  # Kulon Progo left alone
    assert list(IdmLeftover.objects.values_list("code", flat=True)) == ["34.04.99.2002"]


def test_a_kabupaten_import_replaces_only_the_leftovers_of_its_own_kabupaten(
    staff: Cast,
) -> None:
    admin = staff.client(Role.ADMIN)
    national = send(admin, [*ROWS, row("3401992001", "KULON PROGO", "ENTAH", "MAJU")])
    admin.post(f"/impor/{national.pk}/konfirmasi/")
    assert IdmLeftover.objects.count() == 3
    planner = staff.client(Role.KABUPATEN)
    own = send(planner, ROWS)
    planner.post(f"/impor/{own.pk}/konfirmasi/", {"semua": "1"})
    assert sorted(IdmLeftover.objects.values_list("code", "upload")) == [
        ("34.01.99.2001", national.pk),  # Kulon Progo's stays
        ("34.04.99.2002", own.pk),
    ]


@pytest.mark.parametrize("role", [Role.KECAMATAN, Role.DESA])
def test_kecamatan_and_desa_users_may_not_import_idm(staff: Cast, role: str) -> None:
    client = staff.client(role)
    assert "IDM Kemendes per desa" not in client.get("/impor/").content.decode()
    response = client.post(
        "/impor/", {"kind": "idm", "file": SimpleUploadedFile("idm.xlsx", xlsx([HEADER, *ROWS]))}
    )
    # The choice is not theirs: the file is read as a values file, which it is not.
    assert response.status_code == 302
    assert Upload.objects.get().kind == "values"
    assert not DataValue.objects.exists() and not IdmLeftover.objects.exists()


def test_an_idm_upload_is_seen_by_its_sender_and_national_admins_only(staff: Cast) -> None:
    upload = send(staff.client(Role.KABUPATEN), ROWS)
    for role in (Role.KECAMATAN, Role.VIEWER, "outsider"):
        client = staff.client(role)
        assert client.get(f"/impor/{upload.pk}/").status_code == 404
        assert client.get(f"/impor/{upload.pk}/tidak-cocok.csv").status_code == 404
        assert client.post(f"/impor/{upload.pk}/konfirmasi/").status_code == 404
    assert staff.client(Role.ADMIN).get(f"/impor/{upload.pk}/").status_code == 200
    assert not DataValue.objects.exists()


def test_a_file_without_the_idm_columns_is_refused_in_the_users_language_and_nothing_written(
    staff: Cast,
) -> None:
    client = staff.client(Role.ADMIN)
    bad: list[list[Any]] = [
        ["KODE_DESA", "NAMA_DESA", "IKS_2024", "NILAI_IDM_2024"],
        ["3401012001", "X", 1, 1],
    ]
    response = client.post(
        "/impor/", {"kind": "idm", "file": SimpleUploadedFile("bukan.xlsx", xlsx(bad))}
    )
    upload = Upload.objects.get()
    assert response.status_code == 302 and upload.status == Status.REJECTED
    page = client.get(f"/impor/{upload.pk}/").content.decode()
    assert "bukan berkas IDM Kemendes: kolom IKE_2024, IKL_2024, STATUS_IDM_2024" in page
    assert "Konfirmasi" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(f"/impor/{upload.pk}/").content.decode()
    assert "not a Kemendes IDM file: missing columns IKE_2024, IKL_2024, STATUS_IDM_2024" in (
        english
    )
    client.post(f"/impor/{upload.pk}/konfirmasi/")
    assert not DataValue.objects.exists() and not IdmLeftover.objects.exists()
    assert RegionCodeChange.objects.count() == 1  # the fixture's


def test_an_unreadable_file_is_refused_and_nothing_is_written(staff: Cast) -> None:
    client = staff.client(Role.ADMIN)
    response = client.post(
        "/impor/", {"kind": "idm", "file": SimpleUploadedFile("rusak.xlsx", b"PK\x03\x04rusak")}
    )
    upload = Upload.objects.get(kind="idm")  # stored, then refused on its preview
    assert response.status_code == 302 and upload.status == Status.REJECTED
    assert "Berkas tidak dapat dibaca" in client.get(f"/impor/{upload.pk}/").content.decode()
    assert not DataValue.objects.exists() and not IdmLeftover.objects.exists()


def test_a_big_idm_file_is_checked_and_imported_by_the_worker(staff: Cast, settings: Any) -> None:
    settings.INTAKE_BACKGROUND_KB = 1  # every file of a kilobyte or more
    client = staff.client(Role.ADMIN)
    filler = [row(f"3404992{i:03d}", "SLEMAN", f"ENTAH {i}", "MAJU") for i in range(100, 130)]
    upload = send(client, [*ROWS, *filler])
    assert upload.status == Status.CHECKING
    assert f"/impor/{upload.pk}/kemajuan/" in client.get(f"/impor/{upload.pk}/").content.decode()
    assert worker.run_next() is not None
    upload.refresh_from_db()
    assert upload.preview is not None and upload.status == Status.PREVIEWED
    assert len(upload.preview["leftovers"]) == 31
    client.post(f"/impor/{upload.pk}/konfirmasi/", {"cocok": ["34.04.19.2001"]})
    upload.refresh_from_db()
    assert upload.status == Status.IMPORTING and not DataValue.objects.exists()
    assert worker.run_next() is not None
    upload.refresh_from_db()
    assert upload.status == Status.COMMITTED and upload.job_error == ""
    assert values_at() == {"34.01.01.2001", "34.04.01.2002", "34.04.01.2001"}
    assert IdmLeftover.objects.count() == 31
    assert RegionCodeChange.objects.filter(name_match=True).count() == 1


@pytest.mark.slow
def test_the_real_diy_file_goes_through_the_worker_and_matches_the_recap(
    real_data: Path, staff: Cast, settings: Any
) -> None:
    # The national file takes 45-80 s on this path (two cores shared), so the web test
    # reads the DI Yogyakarta rows of it; `importidm` tests the national file.
    from tests.test_importidm_command import check_against_recap, stored_status_counts

    settings.INTAKE_BACKGROUND_KB = 1
    client = staff.client(Role.ADMIN)
    path = real_data / "idm" / "idm_2024_desa_34_diy.csv"
    client.post(
        "/impor/", {"kind": "idm", "file": SimpleUploadedFile(path.name, path.read_bytes())}
    )
    upload = Upload.objects.get(kind="idm")
    worker.run_next()
    upload.refresh_from_db()
    assert upload.preview is not None and upload.rows == 392
    assert upload.preview["leftovers"] == [] and upload.preview["suggestions"] == []
    client.post(f"/impor/{upload.pk}/konfirmasi/")
    worker.run_next()
    upload.refresh_from_db()
    assert upload.status == Status.COMMITTED and upload.created == 392 * 6, upload.job_error
    assert stored_status_counts() == {"34": (355 + 37, 0)}
    check_against_recap(real_data, path, set())
    assert not IdmLeftover.objects.exists()
    assert "tidak cocok dengan daftar wilayah" not in client.get("/provinsi/34/").content.decode()
