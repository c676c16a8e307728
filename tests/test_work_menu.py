"""The work menu ("Tugas saya"), the desa's follow-ups with progress, and the notices."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Role
from catalog.models import Indicator
from cycle import notices
from cycle.models import DigestSent, Kind, Notice
from datavalues.approval import step
from planning.followups import FollowUp, FollowUpChange, create_follow_up
from regions.models import Region
from tests.cast import Cast, cast_fixture  # noqa: F401

pytestmark = pytest.mark.usefixtures("catalogue")
DESA = "34.04.01.2001"


def follow_up(days: int, owner: str = "desa") -> FollowUp:
    """A follow-up due in `days` days (negative: already late, as if agreed long ago)."""
    item = create_follow_up(
        by="camat",
        desa=Region.objects.get(code=DESA),
        indicator=Indicator.objects.get(code="G01"),
        problem="Stunting naik",
        action="Kelas ibu balita tiap bulan",
        owner=owner,
        opd="dinkes" if owner == "opd" else "",
        due_date=timezone.localdate() + dt.timedelta(days=max(days, 0)),
    )
    due = timezone.localdate() + dt.timedelta(days=days)
    FollowUp.objects.filter(pk=item.pk).update(due_date=due)
    item.due_date = due
    return item


def test_the_desa_menu_lists_periods_to_fill_returns_and_follow_ups(cast: Cast) -> None:
    desa = Region.objects.get(code=DESA)
    step(region=desa, period="2025", action="ajukan", by=cast.users[Role.DESA])
    step(
        region=desa,
        period="2025",
        action="kembalikan",
        by=cast.users[Role.KECAMATAN],
        comment="BUMIL_ANC belum diisi",
    )
    late = follow_up(-3)
    html = cast.client(Role.DESA).get("/").content.decode()
    assert "Pengajuan 2025 dikembalikan: BUMIL_ANC belum diisi" in html
    assert f'href="/persetujuan/{DESA}/2025/"' in html
    assert f'href="/isi/{DESA}/{timezone.localdate().year}/?sektor=kesehatan"' in html
    assert "1 tindak lanjut terbuka" in html
    assert f'href="/desa/{DESA}/tindak-lanjut/#tl-{late.pk}"' in html and "terlambat sejak" in html


def test_the_camat_menu_lists_the_queue_completeness_and_due_follow_ups(cast: Cast) -> None:
    desa = Region.objects.get(code=DESA)
    step(region=desa, period="2025", action="ajukan", by=cast.users[Role.DESA])
    follow_up(2)
    html = cast.client(Role.KECAMATAN).get("/").content.decode()
    assert f'href="/persetujuan/{DESA}/2025/"' in html
    assert "desa lengkap untuk" in html and 'href="/kelengkapan/34.04.01/' in html
    assert "jatuh tempo" in html and 'href="/kecamatan/34.04.01/tindak-lanjut/#tl-' in html
    queue = cast.client(Role.KECAMATAN).get("/persetujuan/").content.decode()
    assert f'href="/persetujuan/{DESA}/2025/"' in queue


def test_a_desa_operator_reports_progress_and_the_camat_sees_it_in_the_history(
    cast: Cast,
) -> None:
    item = follow_up(10)
    desa = cast.client(Role.DESA)
    page = desa.get(f"/desa/{DESA}/tindak-lanjut/").content.decode()
    assert "Kelas ibu balita tiap bulan" in page and "Laporkan kemajuan" in page
    response = desa.post(
        f"/tindak-lanjut/{item.pk}/kemajuan/",
        {"status": "berjalan", "note": "Kelas pertama 12 ibu hadir"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "berjalan"
    change = FollowUpChange.objects.filter(follow_up=item).latest("at")
    assert (change.by, change.note) == ("desa", "Kelas pertama 12 ibu hadir")
    camat = cast.client(Role.KECAMATAN).get("/kecamatan/34.04.01/tindak-lanjut/")
    assert "Kelas pertama 12 ibu hadir" in camat.content.decode()


def test_a_desa_operator_cannot_close_a_follow_up_with_a_status_it_does_not_own(
    cast: Cast,
) -> None:
    item = follow_up(10)
    response = cast.client(Role.DESA).post(
        f"/tindak-lanjut/{item.pk}/kemajuan/", {"status": "dibatalkan", "note": "x"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "direncanakan"
    assert (
        cast.client(Role.VIEWER)
        .post(f"/tindak-lanjut/{item.pk}/kemajuan/", {"status": "selesai", "note": "x"})
        .status_code
        == 404
    )


def test_notices_are_created_once_and_counted_as_unread(cast: Cast) -> None:
    follow_up(3)
    client = cast.client(Role.DESA)
    client.get("/")
    client.get("/notifikasi/")
    user = cast.users[Role.DESA]
    kinds = sorted(Notice.objects.filter(user=user).values_list("kind", flat=True))
    assert kinds == sorted([Kind.ASSIGNED, Kind.DUE_SOON])
    assert '<span class="badge"' in client.get("/akun/").content.decode()
    first = Notice.objects.filter(user=user).first()
    assert first is not None
    response = client.get(f"/notifikasi/{first.pk}/")
    assert response.status_code == 302 and response["Location"] == first.href
    assert notices.unread_count(user) == 1  # the one followed is read
    client.post("/notifikasi/")
    assert notices.unread_count(user) == 0
    assert notices.refresh_all() == 0  # nothing new: nothing added again


def test_the_daily_job_emails_new_notices_and_one_digest_a_day(cast: Cast, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    follow_up(-1)
    first = notices.daily()
    assert first["notices"] >= 2 and first["emails"] == first["notices"]
    assert first["digests"] == 1
    assert mail.outbox[-1].to == ["desa@example.go.id"]
    again = notices.daily()
    assert again == {"notices": 0, "emails": 0, "digests": 0}
    assert DigestSent.objects.count() == 1


def test_the_worker_runs_the_daily_notices_job_once_a_day(cast: Cast, settings: Any) -> None:
    from jobs import daily

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    follow_up(1)
    day = timezone.localdate() + dt.timedelta(days=1000)  # a day no other test used
    assert daily.run_due(day) == ["cycle.notices.daily"]
    assert daily.run_due(day) == []
    assert Notice.objects.filter(user=cast.users[Role.DESA]).exists()
    assert DigestSent.objects.count() == 1
