"""Programme cohorts: loading them, and which kecamatan of a cohort use the tool."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import AuditEvent
from catalog.models import Period
from datavalues.approval import PeriodApproval, State
from datavalues.models import How, ValueChange
from datavalues.writing import ValueInput, save_values
from planning.cohorts import Cohort, CohortMember
from planning.followups import FollowUp
from planning.monitoring import monitor
from tests.analytics_fixtures import make_regions
from tests.test_kabupaten_pages import client_for, follow_up

K1, K2, K3 = "91.01.01", "91.01.02", "91.02.01"


@pytest.fixture
def cohort(catalogue: None, tmp_path: Path) -> Cohort:
    make_regions([[2, 2], [1]])
    path = tmp_path / "p3pd.csv"
    path.write_text(f"kode_kecamatan\n{K1}\n{K2}\n# catatan\n{K3}\n", encoding="utf-8")
    call_command("loadcohort", "P3PD", str(path), stdout=io.StringIO())
    return Cohort.objects.get(name="P3PD")


def event(region: str, user: int, action: str = "edit", days: int = 1) -> None:
    AuditEvent.objects.create(
        at=timezone.now() - dt.timedelta(days=days),
        user_id=user,
        username=f"u{user}",
        action=action,
        region_code=region,
    )


def test_loadcohort_makes_the_listed_kecamatan_its_members(cohort: Cohort) -> None:
    assert sorted(CohortMember.objects.values_list("kecamatan_id", flat=True)) == [K1, K2, K3]


def test_a_file_with_an_unknown_or_malformed_code_changes_nothing(
    cohort: Cohort, tmp_path: Path
) -> None:
    for text in (f"{K1}\n99.99.99\n", f"{K1}\n91.01\n", f"{K1}\nbukan-kode\n"):
        path = tmp_path / "salah.txt"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(CommandError):
            call_command("loadcohort", "P3PD", str(path), stdout=io.StringIO())
    assert CohortMember.objects.filter(cohort=cohort).count() == 3


def rows_of(response: Any, title: str) -> dict[str, list[str]]:
    text = response.content.decode("utf-8-sig")
    section = text[text.index(title) :].split("\r\n\r\n")[0]
    return {row[1]: row for row in csv.reader(io.StringIO(section)) if len(row) > 1}


def test_activity_per_kecamatan_equals_the_audit_log_and_the_tables(cohort: Cohort) -> None:
    event(f"{K1}.2001", 1)
    event(f"{K1}.2002", 2, action="import")
    event(K1, 1, action="approval")
    event(f"{K1}.2001", 3, days=40)  # outside the 30-day window
    event(f"{K2}.2001", 4, action="login")  # a sign-in is not work on the region
    save_values(
        values=[ValueInput(f"{K2}.2001", "BUMIL_SASARAN", "2024", 10.0, "uji")],
        how=How.FORM,
        source="uji",
    )
    follow_up(f"{K1}.2001", timezone.localdate() + dt.timedelta(days=5))
    admin = client_for("pusat", "admin", None)
    response = admin.get(f"/program/{cohort.pk}/?format=csv")
    kecamatan = rows_of(response, "Per kecamatan")
    since = timezone.now() - dt.timedelta(days=30)
    window = AuditEvent.objects.filter(
        at__gte=since, region_code__startswith=K1, action__in=["edit", "import", "approval"]
    )
    assert int(kecamatan[K1][3]) == window.values("user_id").distinct().count() == 2
    assert int(kecamatan[K1][4]) == window.count() == 3
    assert int(kecamatan[K1][5]) == 1
    assert int(kecamatan[K2][6]) == ValueChange.objects.filter(region__parent_id=K2).count()
    assert int(kecamatan[K1][10]) == FollowUp.objects.filter(desa__parent_id=K1).count()
    kabupaten = rows_of(response, "Per kabupaten/kota")
    assert kabupaten["91.01"][2] == "2"
    assert int(kabupaten["91.01"][4]) == 3
    page = admin.get(f"/program/{cohort.pk}/").content.decode()
    idle = page[page.index("tanpa aktivitas") :].split("</section>")[0]
    assert K3 in idle and K1 not in idle and K2 not in idle


def test_only_national_administrators_see_programme_monitoring(cohort: Cohort) -> None:
    for client in (client_for("dpmd", "kabupaten", "91.01"), client_for("camat", "kecamatan", K1)):
        assert client.get("/program/").status_code == 404
        assert client.get(f"/program/{cohort.pk}/").status_code == 404
    admin = client_for("pusat", "admin", None)
    assert "P3PD" in admin.get("/program/").content.decode()


def test_monitoring_reads_a_bounded_number_of_queries(
    cohort: Cohort, django_assert_max_num_queries: Any
) -> None:
    admin = client_for("pusat", "admin", None)
    admin.get(f"/program/{cohort.pk}/")
    with django_assert_max_num_queries(25):
        assert admin.get(f"/program/{cohort.pk}/").status_code == 200


def test_activity_and_trend_count_only_the_kecamatan_of_the_cohort(cohort: Cohort) -> None:
    make_regions([[1]], province="92")
    event(f"{K1}.2001", 1)
    event(f"{K1}.2002", 2, days=70)  # in the trend, outside the 30-day window
    event("92.01.01.2001", 9)  # a kecamatan outside the cohort
    event("92.01.01", 9, days=70)
    event("91.01", 9)  # a kabupaten: no kecamatan's work
    result = monitor(cohort, timezone.now())
    assert [(a.code, a.actions, a.active_users) for a in result.kecamatan] == [
        (K1, 1, 1),
        (K2, 0, 0),
        (K3, 0, 0),
    ]
    assert sum(n for _, n in result.trend) == 2


def test_records_count_for_the_kecamatan_of_their_desa_and_not_for_one_of_their_own(
    cohort: Cohort,
) -> None:
    period = Period.objects.for_code("2024")
    for region in (f"{K1}.2001", f"{K1}.2002", K2):
        PeriodApproval.objects.create(region_id=region, period=period, state=State.APPROVED)
    PeriodApproval.objects.create(region_id=f"{K2}.2001", period=period, state=State.SUBMITTED)
    follow_up(f"{K2}.2001", timezone.localdate())
    result = {a.code: a for a in monitor(cohort, timezone.now()).kecamatan}
    assert [(c, result[c].approved, result[c].follow_ups) for c in (K1, K2, K3)] == [
        (K1, 2, 0),
        (K2, 0, 1),
        (K3, 0, 0),
    ]


def test_a_large_programme_lists_its_kecamatan_per_chosen_kabupaten(
    cohort: Cohort, monkeypatch: Any
) -> None:
    from planning import cohort_views

    monkeypatch.setattr(cohort_views, "KECAMATAN_LISTED", 1)
    admin = client_for("pusat", "admin", None)
    page = admin.get(f"/program/{cohort.pk}/").content.decode()
    assert 'href="?kabupaten=91.01#kecamatan"' in page
    assert f'href="/kecamatan/{K1}/"' not in page
    assert "unduhan CSV dan Excel" in page
    chosen = admin.get(f"/program/{cohort.pk}/", {"kabupaten": "91.01"}).content.decode()
    assert f'href="/kecamatan/{K1}/"' in chosen and f'href="/kecamatan/{K2}/"' in chosen
    assert f'href="/kecamatan/{K3}/"' not in chosen  # another kabupaten
    assert "unduhan CSV dan Excel" not in chosen
    # The exports keep every kecamatan whatever the page shows.
    response = admin.get(f"/program/{cohort.pk}/?format=csv")
    assert {K1, K2, K3} <= set(rows_of(response, "Per kecamatan"))
