"""A programme secretariat (role `program`) sees its programme and the dashboards of the
cohort's kecamatan, another programme not at all, and changes nothing anywhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from accounts import assigning
from accounts.models import Assignment, Role
from accounts.scoping import scope_of
from catalog.loading import load_catalogue
from datavalues.approval import PeriodApproval, State, step
from datavalues.models import DataValue
from planning.cohorts import Cohort, load_cohort
from planning.evaluation import ApbdesEvaluation
from planning.followups import FollowUp, Status
from regions.models import Region
from tests.cast import PROGRAMME, Cast, cast_fixture, login  # noqa: F401
from tests.test_kabupaten_pages import follow_up

pytestmark = pytest.mark.django_db

HOME = "34.04.01.2001"  # a desa of a kecamatan of the secretariat's cohort


@pytest.fixture
def secretariat(cast: Cast) -> Client:
    load_catalogue()
    return cast.client(Role.PROGRAM)


def test_the_scope_is_the_kecamatan_of_the_cohort_and_grants_no_writing(cast: Cast) -> None:
    scope = scope_of(cast.users[Role.PROGRAM])
    assert scope.roots == PROGRAMME[1]
    assert scope.cohorts == {cast.cohort_id}
    assert scope.covers(HOME) and not scope.covers("34.04.02.2001")
    assert not scope.national and not scope.is_admin
    assert not scope.may_write(HOME) and not scope.may_write_somewhere()


def test_the_secretariat_sees_its_programme_and_its_exports(
    cast: Cast, secretariat: Client
) -> None:
    page = secretariat.get(f"/program/{cast.cohort_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert PROGRAMME[0] in html
    # Each kecamatan of the cohort links to its (read-only) dashboard, which opens.
    assert 'href="/kecamatan/34.04.01/"' in html
    assert secretariat.get("/kecamatan/34.04.01/").status_code == 200
    csv = secretariat.get(f"/program/{cast.cohort_id}/?format=csv")
    assert csv.status_code == 200 and "34.04.03" in csv.content.decode("utf-8-sig")
    assert secretariat.get(f"/program/{cast.cohort_id}/?format=xlsx").status_code == 200
    listing = secretariat.get("/program/").content.decode()
    assert PROGRAMME[0] in listing


def test_another_programme_is_not_found(cast: Cast, secretariat: Client) -> None:
    other = load_cohort("Program lain", ["34.04.02"]).cohort
    assert secretariat.get(f"/program/{other.pk}/").status_code == 404
    assert secretariat.get(f"/program/{other.pk}/?format=csv").status_code == 404
    assert "Program lain" not in secretariat.get("/program/").content.decode()
    # nor the dashboards of the other programme's kecamatan
    assert secretariat.get("/kecamatan/34.04.02/").status_code == 404


def test_the_home_page_lists_the_programmes_with_links(cast: Cast, secretariat: Client) -> None:
    html = secretariat.get("/").content.decode()
    assert "Tugas saya" in html
    assert PROGRAMME[0] in html
    assert f'href="/program/{cast.cohort_id}/"' in html
    assert f'href="/program/{cast.cohort_id}/?format=xlsx"' in html
    assert 'href="/wilayah/34.04/"' in html  # the kecamatan of the cohort in Sleman
    assert 'data-name="cohort-list"' in html


def test_the_secretariat_cannot_write_a_value(secretariat: Client) -> None:
    response = secretariat.post(
        f"/isi/{HOME}/2024/?sektor=kesehatan", {"v_BUMIL_SASARAN": "7", "shown_BUMIL_SASARAN": ""}
    )
    assert response.status_code == 404
    assert not DataValue.objects.filter(region_id=HOME).exists()


def test_the_secretariat_cannot_submit_or_approve_a_period(secretariat: Client) -> None:
    secretariat.post(f"/persetujuan/{HOME}/2024/", {"action": "ajukan"})
    assert not PeriodApproval.objects.filter(region_id=HOME).exists()
    step(region=Region.objects.get(code=HOME), period="2024", action="ajukan", by=None)
    secretariat.post(f"/persetujuan/{HOME}/2024/", {"action": "setujui"})
    assert PeriodApproval.objects.get(region_id=HOME).state == State.SUBMITTED


def test_the_secretariat_cannot_change_a_follow_up(secretariat: Client) -> None:
    item = follow_up(HOME, timezone.localdate() + dt.timedelta(days=7))
    for url, data in (
        (f"/tindak-lanjut/{item.pk}/status/", {"status": "selesai"}),
        (f"/tindak-lanjut/{item.pk}/kemajuan/", {"status": "selesai", "note": "x"}),
    ):
        assert secretariat.post(url, data).status_code == 404
    assert FollowUp.objects.get(pk=item.pk).status == Status.PLANNED
    assert item.changes.count() == 1  # its creation only


def test_the_secretariat_cannot_record_an_evaluation(secretariat: Client) -> None:
    response = secretariat.post(
        f"/desa/{HOME}/evaluasi-apbdes/", {"tahun": "2025", "result": "sesuai", "notes": "x"}
    )
    assert response.status_code == 404
    assert not ApbdesEvaluation.objects.exists()


def test_only_a_national_administrator_assigns_the_role(cast: Cast) -> None:
    cohort = Cohort.objects.get(pk=cast.cohort_id)
    target = User.objects.create_user("sekber")
    with pytest.raises(assigning.Refused):
        assigning.grant(
            by=cast.users[Role.KABUPATEN],
            user=target,
            role=Role.PROGRAM,
            region_code=None,
            cohort_id=cohort.pk,
        )
    with pytest.raises(assigning.Refused):  # a programme role needs its programme
        assigning.grant(by=None, user=target, role=Role.PROGRAM, region_code=None)
    admin = cast.client(Role.ADMIN)
    response = admin.post(
        "/akun/penugasan/",
        {"username": "sekber", "role": "program", "region": "", "cohort": cohort.pk},
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(user=target)
    assert (assignment.role, assignment.cohort_id, assignment.region_id) == (
        Role.PROGRAM,
        cohort.pk,
        None,
    )
    assert PROGRAMME[0] in admin.get("/akun/penugasan/?q=sekber").content.decode()
    client = Client()
    login(client, target)
    assert client.get(f"/program/{cohort.pk}/").status_code == 200
