from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEvent
from catalog.models import Indicator
from planning.followups import FollowUp, FollowUpChange, Status, change_status, create_follow_up
from regions.models import Region
from tests.planning_fixtures import (  # noqa: F401
    ALPHA,
    KECAMATAN,
    camat_fixture,
    client_for,
    planned_fixture,
)

URL = f"/kecamatan/{KECAMATAN}/tindak-lanjut/"


def make(due: dt.date, **fields: object) -> FollowUp:
    values: dict[str, object] = {
        "desa": Region.objects.get(code=ALPHA),
        "indicator": Indicator.objects.get(code="G01"),
        "problem": "Stunting 30 %",
        "action": "PMT di Posyandu",
        "owner": "desa",
        "due_date": due,
    }
    values.update(fields)
    return create_follow_up(by="camat", **values)


def form(**overrides: str) -> dict[str, str]:
    data = {
        "desa": ALPHA,
        "indicator": str(Indicator.objects.get(code="G01").pk),
        "problem": "Stunting 30 %",
        "cause": "Posyandu tidak aktif",
        "action": "Aktifkan kelas ibu hamil",
        "owner": "desa",
        "opd": "",
        "due_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
    }
    data.update(overrides)
    return data


def test_a_follow_up_moves_through_statuses_with_history(planned: None) -> None:
    item = make(timezone.localdate() + dt.timedelta(days=10))
    change_status(follow_up=item, status=Status.IN_PROGRESS, note="PMT dimulai", by="camat")
    change_status(follow_up=item, status=Status.DONE, note="=laporan Posyandu", by="sekcam")
    item.refresh_from_db()
    assert item.status == Status.DONE
    history = list(
        FollowUpChange.objects.filter(follow_up=item).values_list("old_status", "new_status", "by")
    )
    assert history == [
        ("", "direncanakan", "camat"),
        ("direncanakan", "berjalan", "camat"),
        ("berjalan", "selesai", "sekcam"),
    ]
    assert "PMT dimulai" in item.evidence


def test_an_unknown_status_is_refused_and_nothing_changes(planned: None) -> None:
    item = make(timezone.localdate())
    with pytest.raises(ValidationError):
        change_status(follow_up=item, status="hilang", note="", by="camat")
    assert FollowUpChange.objects.filter(follow_up=item).count() == 1


def test_overdue_means_open_after_the_due_date_not_on_it(planned: None) -> None:
    today = timezone.localdate()
    due_today = make(today)
    yesterday = make(today)
    FollowUp.objects.filter(pk=yesterday.pk).update(due_date=today - dt.timedelta(days=1))
    done_late = make(today)
    FollowUp.objects.filter(pk=done_late.pk).update(
        due_date=today - dt.timedelta(days=5), status=Status.DONE
    )
    assert list(FollowUp.objects.overdue(today)) == [FollowUp.objects.get(pk=yesterday.pk)]
    assert not due_today.is_overdue(today)
    assert due_today.is_overdue(today + dt.timedelta(days=1))


def test_the_camat_creates_a_follow_up_and_it_is_audited(camat: Client) -> None:
    response = camat.post(URL, form())
    assert response.status_code == 302
    item = FollowUp.objects.get()
    assert (item.desa_id, item.owner, item.created_by) == (ALPHA, "desa", "camat")
    assert AuditEvent.objects.filter(summary__contains=f"#{item.pk} dibuat").exists()


def test_control_characters_typed_or_pasted_into_a_follow_up_are_normalised(
    camat: Client,
) -> None:
    response = camat.post(
        URL, form(problem="baris satu\vbaris dua\x01", cause="a\u2028b", action="\x07PMT\f")
    )
    assert response.status_code == 302
    item = FollowUp.objects.get()
    assert (item.problem, item.cause, item.action) == ("baris satu\nbaris dua", "a\nb", "PMT")

    camat.post(f"/tindak-lanjut/{item.pk}/status/", {"status": "berjalan", "note": "ok\x0b\x02"})
    item.refresh_from_db()
    assert item.evidence.endswith(": ok")
    assert item.changes.latest("id").note == "ok"


def test_control_characters_are_normalised_outside_the_forms_too(planned: None) -> None:
    item = make(timezone.localdate(), problem="x\x1by", action="a\vb")

    change_status(follow_up=item, status="berjalan", note="n\x00", by="camat")

    item.refresh_from_db()
    assert (item.problem, item.action) == ("xy", "a\nb")
    assert item.evidence.endswith(": n")


def test_an_action_without_owner_is_refused_with_a_clear_message(camat: Client) -> None:
    response = camat.post(URL, form(owner=""))
    assert response.status_code == 400
    assert "Penanggung jawab wajib dipilih" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_an_opd_owner_needs_the_opd_named(camat: Client) -> None:
    response = camat.post(URL, form(owner="opd"))
    assert "Pilih OPD" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_a_due_date_before_creation_is_refused(camat: Client) -> None:
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = camat.post(URL, form(due_date=yesterday))
    assert response.status_code == 400
    assert "tidak boleh sebelum tanggal dibuat" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_a_desa_of_another_kecamatan_cannot_be_chosen(camat: Client) -> None:
    Region.objects.create(code="91.01.02", level=3, kind="kecamatan", parent_id="91.01", name="X")
    Region.objects.create(
        code="91.01.02.2001", level=4, kind="desa", parent_id="91.01.02", name="Y"
    )
    response = camat.post(URL, form(desa="91.01.02.2001"))
    assert response.status_code == 400
    assert not FollowUp.objects.exists()


def test_overdue_items_are_highlighted_on_the_list(camat: Client) -> None:
    late = make(timezone.localdate())
    FollowUp.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - dt.timedelta(days=3))
    html = camat.get(URL).content.decode()
    assert f'id="tl-{late.pk}" class="overdue"' in html
    assert "1 tindak lanjut melewati batas waktu" in html


def test_the_status_form_records_history_and_audit(camat: Client) -> None:
    item = make(timezone.localdate())
    response = camat.post(
        f"/tindak-lanjut/{item.pk}/status/", {"status": "berjalan", "note": "dimulai"}
    )
    assert response.status_code == 302
    assert item.changes.count() == 2
    assert AuditEvent.objects.filter(summary=f"tindak lanjut #{item.pk}: berjalan").exists()


def test_a_reader_sees_the_list_but_cannot_write(planned: None) -> None:
    reader = client_for("pembaca", "viewer", KECAMATAN)
    assert reader.get(URL).status_code == 200
    assert "Tindak lanjut baru" not in reader.get(URL).content.decode()
    assert reader.post(URL, form()).status_code == 404
    item = make(timezone.localdate())
    assert (
        reader.post(f"/tindak-lanjut/{item.pk}/status/", {"status": "selesai"}).status_code == 404
    )
    assert FollowUp.objects.get().status == Status.PLANNED


def test_another_kecamatan_gets_404_for_the_status_change(planned: None) -> None:
    item = make(timezone.localdate())
    Region.objects.create(code="91.01.02", level=3, kind="kecamatan", parent_id="91.01", name="X")
    other = client_for("camat-lain", "kecamatan", "91.01.02")
    assert other.post(f"/tindak-lanjut/{item.pk}/status/", {"status": "selesai"}).status_code == 404
    assert other.get(URL).status_code == 404


def test_a_sector_limited_role_sees_only_its_sectors_follow_ups(planned: None) -> None:
    from django.contrib.auth.models import User

    from accounts import assigning

    make(timezone.localdate(), problem="Masalah gizi tersembunyi")  # G01: gizi
    make(timezone.localdate(), indicator=Indicator.objects.get(code="K01"), problem="ANC rendah")
    user = User.objects.create_user("puskesmas")
    assigning.grant(
        by=None, user=user, role="kecamatan", region_code=KECAMATAN, sectors=["kesehatan"]
    )
    client = Client()
    client.force_login(user)
    html = client.get(URL).content.decode()
    assert "ANC rendah" in html and "Masalah gizi tersembunyi" not in html
    assert "G01" not in html  # nor can it be chosen for a new follow-up
    rows = client.get(f"/kecamatan/{KECAMATAN}/tabel/tindak-lanjut.csv").content.decode("utf-8-sig")
    assert "ANC rendah" in rows and "Masalah gizi tersembunyi" not in rows


def _sector_limited(sector: str) -> Client:
    from django.contrib.auth.models import User

    from accounts import assigning

    user = User.objects.create_user(f"puskesmas-{sector}")
    assigning.grant(by=None, user=user, role="kecamatan", region_code=KECAMATAN, sectors=[sector])
    client = Client()
    client.force_login(user)
    return client


def test_a_sector_limited_role_cannot_change_another_sectors_follow_up_by_id(
    planned: None,
) -> None:
    gizi = make(timezone.localdate())  # G01: gizi
    client = _sector_limited("kesehatan")
    response = client.post(f"/tindak-lanjut/{gizi.pk}/status/", {"status": "selesai"})
    assert response.status_code == 404
    gizi.refresh_from_db()
    assert gizi.status == Status.PLANNED and gizi.changes.count() == 1


def test_a_sector_limited_role_changes_and_creates_follow_ups_of_its_own_sector(
    planned: None,
) -> None:
    anc = make(timezone.localdate(), indicator=Indicator.objects.get(code="K01"))
    client = _sector_limited("kesehatan")
    response = client.post(f"/tindak-lanjut/{anc.pk}/status/", {"status": "berjalan"})
    assert response.status_code == 302
    assert FollowUp.objects.get(pk=anc.pk).status == Status.IN_PROGRESS
    k01 = str(Indicator.objects.get(code="K01").pk)
    assert client.post(URL, form(indicator=k01, problem="Baru")).status_code == 302
    assert FollowUp.objects.filter(problem="Baru").exists()


def test_a_sector_limited_role_cannot_create_a_follow_up_of_another_sector(
    planned: None,
) -> None:
    client = _sector_limited("kesehatan")
    response = client.post(URL, form(problem="Diselundupkan"))  # G01: gizi
    assert response.status_code in (400, 404)
    assert not FollowUp.objects.filter(problem="Diselundupkan").exists()
