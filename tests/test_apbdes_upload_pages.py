"""APBDes files on the web: upload → preview (every row's fate) → confirm, report, scoping."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import Action, AuditEvent, Role
from intake.models import Status, Upload
from planning.models import BudgetLine, Stage
from tests.cast import Cast, cast_fixture  # noqa: F401
from tests.intake_files import FIXTURES

pytestmark = pytest.mark.django_db

HEADER = "kode_desa,tahun,kode_kegiatan,nama_kegiatan,sumber_dana,anggaran,realisasi\n"


def send(client: Client, content: bytes, name: str = "apbdes.csv", **data: str) -> Upload:
    response = client.post(
        "/impor/apbdes/", {"file": SimpleUploadedFile(name, content), "stage": "final", **data}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Upload.objects.latest("id")


def line(desa: str, kegiatan: str, fund: str, budget: int, realised: int | None) -> BudgetLine:
    return BudgetLine(
        desa_id=desa,
        year=2025,
        stage=Stage.FINAL,
        kegiatan_code=kegiatan,
        name={"2.2.02": "Penyelenggaraan Posyandu"}.get(kegiatan, "Bantuan keuangan kelompok tani"),
        fund_source=fund,
        budget_rp=budget,
        realised_rp=realised,
    )


def stored() -> set[tuple[str, str, str, int, int | None]]:
    return set(
        BudgetLine.objects.values_list(
            "desa_id", "kegiatan_code", "fund_source", "budget_rp", "realised_rp"
        )
    )


def test_the_upload_page_of_values_links_to_the_budget_import(cast: Cast) -> None:
    page = cast.client(Role.KECAMATAN).get("/impor/").content.decode()
    assert 'href="/impor/apbdes/"' in page


def test_a_budget_file_is_previewed_with_every_fate_then_confirmed_and_audited(
    cast: Cast,
) -> None:
    BudgetLine.objects.bulk_create(
        [
            line("34.04.01.2001", "2.2.02", "DD", 40_000_000, 30_500_000),  # budget changes
            line("34.04.01.2002", "3.3.05", "BANKEU", 12_500_000, 0),  # as in the file
        ]
    )
    client = cast.client(Role.KECAMATAN)
    upload = send(client, (FIXTURES / "apbdes_siskeudes.csv").read_bytes())
    assert upload.kind == "apbdes" and upload.status == Status.PREVIEWED
    assert (upload.created, upload.updated, upload.unchanged) == (1, 1, 1)
    page = client.get(f"/impor/apbdes/{upload.pk}/").content.decode()
    assert "fate-baru" in page and "fate-berubah" in page and "fate-tetap" in page
    assert "anggaran: 40.000.000 → 45.000.000" in page
    assert "gizi" in page and "pendidikan" in page  # sectors of 2.2.02 and 2.1.01
    assert BudgetLine.objects.count() == 2  # the preview writes nothing
    assert client.post(f"/impor/apbdes/{upload.pk}/konfirmasi/").status_code == 302
    assert stored() == {
        ("34.04.01.2001", "2.2.02", "DD", 45_000_000, 30_500_000),
        ("34.04.01.2001", "2.1.01", "ADD", 20_000_000, None),
        ("34.04.01.2002", "3.3.05", "BANKEU", 12_500_000, 0),
    }
    upload.refresh_from_db()
    assert upload.status == Status.COMMITTED and upload.committed_by == cast.users[Role.KECAMATAN]
    event = AuditEvent.objects.get(action=Action.IMPORT)
    assert event.username == "kecamatan" and event.detail["upload"] == upload.pk
    assert event.region_code == "34.04.01"  # the kecamatan of both desa
    assert event.detail["sha256"] == upload.sha256
    assert event.detail["desa"] == ["34.04.01.2001", "34.04.01.2002"]
    # Confirming again changes nothing and records nothing more.
    before = list(BudgetLine.objects.values_list("id", "updated_at").order_by("id"))
    client.post(f"/impor/apbdes/{upload.pk}/konfirmasi/")
    assert list(BudgetLine.objects.values_list("id", "updated_at").order_by("id")) == before
    assert AuditEvent.objects.filter(action=Action.IMPORT).count() == 1


def test_a_draft_takes_the_year_and_stage_given_on_the_form(cast: Cast) -> None:
    client = cast.client(Role.DESA)
    content = (
        b"kode_desa;kode_kegiatan;nama_kegiatan;sumber_dana;anggaran\n"
        b"34.04.01.2001;2.2.02;Posyandu;DD;10.000.000\n"
    )
    upload = send(client, content, year="2026", stage="draft")
    assert (upload.period, upload.budget_stage) == ("2026", Stage.DRAFT)
    assert "2026" in client.get(f"/impor/apbdes/{upload.pk}/").content.decode()
    client.post(f"/impor/apbdes/{upload.pk}/konfirmasi/")
    budget = BudgetLine.objects.get()
    assert (budget.year, budget.stage, budget.budget_rp) == (2026, Stage.DRAFT, 10_000_000)


def test_a_file_with_one_bad_row_writes_nothing_even_when_confirmed(cast: Cast) -> None:
    client = cast.client(Role.KECAMATAN)
    upload = send(client, (FIXTURES / "apbdes_bad.csv").read_bytes())
    assert upload.status == Status.REJECTED and upload.errors == 4
    page = client.get(f"/impor/apbdes/{upload.pk}/").content.decode()
    assert page.count("fate-galat") == 4 and "fate-baru" in page
    assert "Konfirmasi: simpan semuanya" not in page
    response = client.post(f"/impor/apbdes/{upload.pk}/konfirmasi/", follow=True)
    assert "Tidak ada yang disimpan" in response.content.decode()
    assert not BudgetLine.objects.exists()
    upload.refresh_from_db()
    assert upload.status == Status.REJECTED


def test_a_row_for_a_desa_the_user_may_not_write_is_an_error_on_that_row(cast: Cast) -> None:
    client = cast.client(Role.DESA)  # the operator of 34.04.01.2001 only
    content = (
        HEADER
        + "34.04.01.2001,2025,2.2.02,Posyandu,DD,100,\n"
        + "34.04.01.2002,2025,2.2.02,Posyandu,DD,100,\n"
    ).encode()
    upload = send(client, content)
    page = client.get(f"/impor/apbdes/{upload.pk}/").content.decode()
    assert "34.04.01.2002 di luar wilayah yang boleh Anda isi" in page
    client.post(f"/impor/apbdes/{upload.pk}/konfirmasi/")
    assert not BudgetLine.objects.exists()


def test_another_users_upload_is_not_found(cast: Cast) -> None:
    upload = send(cast.client(Role.DESA), (FIXTURES / "apbdes_siskeudes.csv").read_bytes())
    other = cast.client(Role.KECAMATAN)
    for suffix in ("", "laporan.csv"):
        assert other.get(f"/impor/apbdes/{upload.pk}/{suffix}").status_code == 404
    assert other.post(f"/impor/apbdes/{upload.pk}/konfirmasi/").status_code == 404
    assert not BudgetLine.objects.exists()
    # A values upload is not reachable through the budget pages either.
    values = Upload.objects.create(
        file_name="v.csv", sha256="0" * 64, size=1, content=b"", uploaded_by=cast.users["desa"]
    )
    assert cast.client(Role.DESA).get(f"/impor/apbdes/{values.pk}/").status_code == 404


def test_the_error_report_keeps_the_rows_with_reasons_and_neutralises_formulas(
    cast: Cast,
) -> None:
    client = cast.client(Role.KECAMATAN)
    content = (
        HEADER
        + '34.04.01.2001,2025,2.2.02,"=HYPERLINK(""http://x"")",XYZ,100,\n'
        + "34.04.01.2002,2025,2.2.02,@SUM(A1),DD,-5,\n"
        + "34.04.01.2003,2025,2.2.02,Posyandu,DD,100,\n"
    ).encode()
    upload = send(client, content)
    response = client.get(f"/impor/apbdes/{upload.pk}/laporan.csv")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "baris",
        "status",
        "kode_desa",
        "tahun",
        "kode_kegiatan",
        "nama_kegiatan",
        "sumber_dana",
        "anggaran",
        "realisasi",
        "alasan",
    ]
    assert [r[0] for r in rows[1:]] == ["2", "3"]  # the good row is not in the report
    assert rows[1][5] == '\'=HYPERLINK("http://x")' and "sumber_dana" in rows[1][-1]
    assert rows[2][5] == "'@SUM(A1)" and rows[2][7] == "'-5" and "rupiah" in rows[2][-1]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
