"""The kabupaten oversight pages: who sees them, and their numbers against the tables."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import assigning
from catalog.models import DataElement, Indicator
from catalog.periods import PeriodType
from datavalues import approval
from datavalues.models import DataValue, How, ValueChange
from datavalues.writing import ValueInput, save_values
from planning.evaluation import ApbdesEvaluation
from planning.followups import OPEN, FollowUp, Status, change_status, create_follow_up
from planning.models import BudgetLine, FundSource, Stage
from regions.models import Kind, Region
from tests.analytics_fixtures import make_regions
from tests.cast import login

KAB = "91.01"
K1, K2 = "91.01.01", "91.01.02"
OTHER_KAB = "91.02"
PAGES = (
    "pengawasan/",
    "kelengkapan/2024/",
    "persetujuan/2024/",
    "evaluasi-apbdes/?tahun=2025",
    "tindak-lanjut/",
    "eskalasi/?periode=2024",
    "belanja/?periode=2024",
)


def client_for(username: str, role: str, region: str | None) -> Client:
    user = User.objects.create_user(username)
    assigning.grant(by=None, user=user, role=role, region_code=region)
    client = Client()
    if role == "admin":
        TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    login(client, user)
    return client


def follow_up(desa: str, due: dt.date, **fields: Any) -> FollowUp:
    values: dict[str, Any] = {
        "desa": Region.objects.get(code=desa),
        "indicator": Indicator.objects.get(code="K01"),
        "problem": "ANC rendah",
        "action": "Kelas ibu hamil",
        "owner": "desa",
        "due_date": due,
    }
    values.update(fields)
    return create_follow_up(by="camat", **values)


@pytest.fixture(name="kabupaten")
def kabupaten_fixture(catalogue: None) -> None:
    make_regions([[3, 2], [1]])
    Region.objects.filter(code=f"{K2}.2002").update(kind=Kind.KELURAHAN)
    desa = [f"{K1}.2001", f"{K1}.2002", f"{K1}.2003", f"{K2}.2001", f"{K2}.2002"]
    values = [
        ValueInput(code, element, "2024", v, "uji")
        for code in desa[:4]
        for element, v in (("BUMIL_SASARAN", 100.0), ("BUMIL_ANC", 80.0))
    ]
    save_values(values=values, how=How.FORM, source="uji")
    # Two desa of K1 sent on time (their history is older than the due date).
    ValueChange.objects.filter(region_id__in=desa[:2]).update(
        changed_at=timezone.make_aware(dt.datetime(2025, 1, 10))
    )
    for code in desa[:3]:
        approval.step(region=Region.objects.get(code=code), period="2024", action="ajukan", by=None)
    approval.step(region=Region.objects.get(code=desa[0]), period="2024", action="setujui", by=None)
    approval.step(
        region=Region.objects.get(code=desa[1]),
        period="2024",
        action="kembalikan",
        by=None,
        comment="cek lagi",
    )
    today = timezone.localdate()
    follow_up(desa[0], today + dt.timedelta(days=30))
    follow_up(desa[0], today + dt.timedelta(days=3))
    late = follow_up(desa[1], today + dt.timedelta(days=1))
    FollowUp.objects.filter(pk=late.pk).update(due_date=today - dt.timedelta(days=5))
    done = follow_up(desa[3], today + dt.timedelta(days=10))
    change_status(follow_up=done, status=Status.DONE, note="", by="camat")
    follow_up(desa[3], today + dt.timedelta(days=40), owner="opd", opd="dinkes")
    follow_up(f"{OTHER_KAB}.01.2001", today + dt.timedelta(days=3))
    for code, kegiatan, amount in (
        (desa[0], "2.2.02", 40_000_000),
        (desa[0], "2.3.01", 160_000_000),
        (desa[1], "2.3.01", 100_000_000),
        (desa[3], "2.2.01", 25_000_000),
        (desa[3], "1.1.01", 75_000_000),
    ):
        for year in (2024, 2025):
            BudgetLine.objects.create(
                desa_id=code,
                year=year,
                stage=Stage.DRAFT,
                kegiatan_code=kegiatan,
                name="kegiatan",
                fund_source=FundSource.DD,
                budget_rp=amount,
                source="uji",
            )
    ApbdesEvaluation.objects.create(desa_id=desa[0], year=2025, result="sesuai", recorded_by="c")
    ApbdesEvaluation.objects.create(desa_id=desa[2], year=2025, result="perbaiki", recorded_by="c")


def rows_of(response: Any) -> dict[str, list[str]]:
    """Rows of the first table of a CSV keyed by their second column (the kecamatan code)."""
    text = response.content.decode("utf-8-sig")
    rows: dict[str, list[str]] = {}
    for row in csv.reader(io.StringIO(text)):
        if not row and rows:
            break
        if len(row) > 1:
            rows[row[1]] = row
    return rows


@pytest.mark.parametrize("suffix", PAGES)
def test_the_kabupaten_officer_and_the_national_admin_open_every_page(
    kabupaten: None, suffix: str
) -> None:
    for client in (client_for("dpmd", "kabupaten", KAB), client_for("pusat", "admin", None)):
        response = client.get(f"/kabupaten/{KAB}/{suffix}")
        assert response.status_code == 200
        assert f'<span class="code">{KAB}</span>' in response.content.decode()


@pytest.mark.parametrize("suffix", PAGES)
def test_a_kecamatan_user_or_another_kabupaten_gets_404(kabupaten: None, suffix: str) -> None:
    camat = client_for("camat", "kecamatan", K1)
    other = client_for("dpmd-lain", "kabupaten", OTHER_KAB)
    assert camat.get(f"/kabupaten/{KAB}/{suffix}").status_code == 404
    assert other.get(f"/kabupaten/{KAB}/{suffix}").status_code == 404


def test_a_kecamatan_code_on_a_kabupaten_page_is_not_found(kabupaten: None) -> None:
    client = client_for("dpmd", "kabupaten", KAB)
    assert client.get(f"/kabupaten/{K1}/tindak-lanjut/").status_code == 404
    assert client.get(f"/kabupaten/{KAB}/kelengkapan/bukan-periode/").status_code == 404


def test_completeness_counts_equal_the_values_stored(kabupaten: None) -> None:
    client = client_for("dpmd", "kabupaten", KAB)
    rows = rows_of(client.get(f"/kabupaten/{KAB}/kelengkapan/2024/?format=csv"))
    yearly = DataElement.objects.filter(period_type=PeriodType.YEAR).count()
    for kecamatan, desa in ((K1, 3), (K2, 2)):
        received = DataValue.objects.filter(
            region__parent_id=kecamatan, period__code="2024", element__period_type=PeriodType.YEAR
        ).count()
        row = rows[kecamatan]
        assert int(row[2]) == desa
        assert int(row[4]) == received
        assert int(row[3]) <= desa * yearly
        assert int(row[7]) == int(row[3]) - received
    assert rows[K1][3] == str(3 * yearly)  # no kelurahan in K1: every element expected
    assert (rows[K1][5], rows[K1][6]) == ("4", "2")  # two desa on time, one late
    assert rows[K2][5] == "0"
    assert OTHER_KAB + ".01" not in rows


def test_the_kecamatan_completeness_address_of_a_kabupaten_leads_to_the_kabupaten_page(
    kabupaten: None,
) -> None:
    client = client_for("dpmd", "kabupaten", KAB)
    response = client.get(f"/kelengkapan/{KAB}/2024/")
    assert response.status_code == 302
    assert response["Location"] == f"/kabupaten/{KAB}/kelengkapan/2024/"


def test_approval_states_per_kecamatan_equal_the_approval_rows(kabupaten: None) -> None:
    client = client_for("dpmd", "kabupaten", KAB)
    rows = rows_of(client.get(f"/kabupaten/{KAB}/persetujuan/2024/?format=csv"))
    # header: Kecamatan, Kode, Desa, draf, diajukan, disetujui, dikembalikan, %
    assert rows[K1][2:7] == ["3", "0", "1", "1", "1"]
    assert rows[K2][2:7] == ["2", "2", "0", "0", "0"]
    approved = approval.PeriodApproval.objects.filter(state="disetujui").count()
    assert rows[KAB][5] == str(approved)


def test_follow_up_counts_per_kecamatan_equal_the_follow_ups(kabupaten: None) -> None:
    client = client_for("dpmd", "kabupaten", KAB)
    rows = rows_of(client.get(f"/kabupaten/{KAB}/tindak-lanjut/?format=csv"))
    today = timezone.localdate()
    for kecamatan in (K1, K2):
        mine = FollowUp.objects.filter(desa__parent_id=kecamatan)
        expected = [
            mine.count(),
            mine.filter(status__in=OPEN).count(),
            mine.filter(
                status__in=OPEN, due_date__gte=today, due_date__lte=today + dt.timedelta(days=14)
            ).count(),
            mine.overdue(today).count(),
            mine.filter(status=Status.DONE).count(),
        ]
        assert [int(v) for v in rows[kecamatan][2:7]] == expected
    assert rows[K1][2:7] == ["3", "3", "1", "1", "0"]
    assert rows[KAB][2] == str(FollowUp.objects.under(KAB).count())


def test_evaluations_count_done_and_outstanding_desa(kabupaten: None) -> None:
    client = client_for("dpmd", "kabupaten", KAB)
    rows = rows_of(client.get(f"/kabupaten/{KAB}/evaluasi-apbdes/?tahun=2025&format=csv"))
    # K1: 3 desa, 2 with an APBDes 2025, 2 evaluated (one without APBDes), 1 outstanding.
    assert rows[K1][2:5] == ["3", "2", "2"]
    assert rows[K1][-1] == "1"
    # K2: one desa (the other is a kelurahan), with an APBDes, not evaluated.
    assert rows[K2][2:5] == ["1", "1", "0"]
    assert rows[K2][-1] == "1"


def test_budget_shares_per_kecamatan_equal_the_budget_lines(kabupaten: None) -> None:
    client = client_for("dpmd", "kabupaten", KAB)
    rows = rows_of(client.get(f"/kabupaten/{KAB}/belanja/?periode=2024&format=csv"))
    total = sum(
        BudgetLine.objects.filter(desa__parent_id=K1, year=2024).values_list("budget_rp", flat=True)
    )
    assert int(rows[K1][4]) == total == 300_000_000
    assert int(rows[K1][5]) == 40_000_000  # Posyandu (kesehatan); roads are not basic
    assert float(rows[K1][6]) == pytest.approx(13.3)
    assert int(rows[K2][5]) == 25_000_000


def test_escalations_are_grouped_by_opd_across_kecamatan(kabupaten: None) -> None:
    client = client_for("dpmd", "kabupaten", KAB)
    page = client.get(f"/kabupaten/{KAB}/eskalasi/?periode=2024").content.decode()
    assert "Dinas Kesehatan (1)" in page
    text = client.get(f"/kabupaten/{KAB}/eskalasi/?periode=2024&format=csv").content
    assert f"{K2}.2001".encode() in text


def test_the_escalations_page_reads_as_many_queries_for_many_escalations_as_for_one(
    kabupaten: None, django_assert_num_queries: Any
) -> None:
    client = client_for("dpmd", "kabupaten", KAB)
    url = f"/kabupaten/{KAB}/eskalasi/?periode=2024"
    client.get(url)  # warm caches (catalogue, sessions)
    with CaptureQueriesContext(connection) as one:
        assert "Dinas Kesehatan (1)" in client.get(url).content.decode()
    due = timezone.localdate() + dt.timedelta(days=60)
    for desa in (f"{K1}.2001", f"{K1}.2002", f"{K1}.2003", f"{K2}.2001", f"{K2}.2002"):
        for code, opd in (("K01", "dinkes"), ("G01", "dinkes"), ("P01", "disdik")):
            indicator = Indicator.objects.get(code=code)
            follow_up(desa, due, indicator=indicator, owner="opd", opd=opd)
    with django_assert_num_queries(len(one)):
        page = client.get(url).content.decode()
    assert "Dinas Kesehatan (11)" in page and "Dinas Pendidikan (5)" in page


def test_every_table_downloads_as_a_workbook(kabupaten: None) -> None:
    client = client_for("dpmd", "kabupaten", KAB)
    response = client.get(f"/kabupaten/{KAB}/kelengkapan/2024/?format=xlsx")
    assert response.status_code == 200
    assert response.content[:2] == b"PK"


def test_the_kabupaten_dashboard_links_to_the_oversight_pages(kabupaten: None) -> None:
    client = client_for("dpmd", "kabupaten", KAB)
    page = client.get(f"/kabupaten/{KAB}/").content.decode()
    assert f"/kabupaten/{KAB}/pengawasan/" in page
    overview = client.get(f"/kabupaten/{KAB}/pengawasan/").content.decode()
    assert f"/kabupaten/{KAB}/kelengkapan/" in overview
    assert f"/kabupaten/{KAB}/eskalasi/" in overview


@pytest.mark.parametrize("suffix", PAGES[1:])
def test_the_pages_read_a_bounded_number_of_queries(
    kabupaten: None, suffix: str, django_assert_max_num_queries: Any
) -> None:
    client = client_for("dpmd", "kabupaten", KAB)
    client.get(f"/kabupaten/{KAB}/{suffix}")  # warm caches (catalogue, sessions)
    with django_assert_max_num_queries(25):
        assert client.get(f"/kabupaten/{KAB}/{suffix}").status_code == 200


def test_the_sector_matrix_counts_the_indicators_needing_acceleration(kabupaten: None) -> None:
    from analytics.figures import Place, figure_for, indicators_with_targets
    from analytics.status import Status as FigureStatus
    from catalog.periods import parse_period

    client = client_for("dpmd", "kabupaten", KAB)
    text = client.get(f"/kabupaten/{KAB}/pengawasan/?periode=2024&format=csv").content.decode(
        "utf-8-sig"
    )
    section = text[text.index("Indikator perlu percepatan") :]
    rows = {r[1]: r for r in csv.reader(io.StringIO(section)) if len(r) > 1}
    header = next(r for r in csv.reader(io.StringIO(section)) if r and r[0] == "Kecamatan")
    column = header.index("Kesehatan")
    place = Place.of(Region.objects.get(code=K1))
    figures = [
        figure_for(i, place, parse_period("2024"))
        for i in indicators_with_targets()
        if i.sector.code == "kesehatan"
    ]
    rated = [f for f in figures if f.status not in (None, FigureStatus.NO_DATA)]
    behind = sum(f.status == FigureStatus.NEEDS_ACCELERATION for f in rated)
    assert rated  # K1 reports antenatal care
    assert rows[K1][column] == str(behind)


def test_the_province_overview_sums_its_kabupaten(kabupaten: None) -> None:
    admin = client_for("pusat", "admin", None)
    rows = rows_of(admin.get("/provinsi/91/pengawasan/?periode=2024&format=csv"))
    dpmd = client_for("dpmd", "kabupaten", KAB)
    kab = rows_of(dpmd.get(f"/kabupaten/{KAB}/pengawasan/?periode=2024&format=csv"))
    assert rows[KAB][2] == "5"  # desa/kelurahan of 91.01
    assert int(rows[KAB][7]) == sum(int(kab[k][7]) for k in (K1, K2))  # open follow-ups
    assert int(rows[OTHER_KAB][7]) == FollowUp.objects.under(OTHER_KAB).count()
    assert dpmd.get("/provinsi/91/pengawasan/").status_code == 404


def test_a_value_first_sent_an_hour_after_the_due_day_ends_is_late(kabupaten: None) -> None:
    from catalog.periods import parse_period
    from datavalues.completeness import due_date
    from datavalues.oversight import completeness_by_kecamatan

    day_ends = timezone.make_aware(dt.datetime.combine(due_date(parse_period("2024")), dt.time.max))
    hour = dt.timedelta(hours=1)
    ValueChange.objects.filter(region_id=f"{K1}.2001").update(changed_at=day_ends + hour)
    ValueChange.objects.filter(region_id=f"{K1}.2002").update(changed_at=day_ends - hour)
    _sectors, rows, _due = completeness_by_kecamatan(
        kabupaten=Region.objects.get(code=KAB), period="2024"
    )
    row = next(r for r in rows if r.kecamatan.code == K1)
    assert (row.total.received, row.total.on_time) == (6, 2)  # only 2002's two values
