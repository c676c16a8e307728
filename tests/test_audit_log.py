"""The audit log: append-only, filterable by administrators, exportable as safe CSV."""

from __future__ import annotations

import csv
import io

import pytest

from accounts import audit
from accounts.models import Action, AppendOnlyError, AuditEvent
from tests.cast import Cast, cast_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_an_audit_event_can_be_neither_changed_nor_deleted() -> None:
    event = audit.record(Action.EXPORT, username="budi", summary="laporan")

    event.summary = "diubah"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="diubah")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == "laporan"


def test_line_breaks_in_user_input_cannot_forge_extra_lines() -> None:
    event = audit.record(Action.LOGIN_FAILED, username="budi\nadmin login ok", summary="a\r\nb")

    assert event.username == "budi admin login ok"
    assert event.summary == "a b"


def test_the_page_filters_by_action_user_and_region(cast: Cast) -> None:
    audit.record(Action.EXPORT, username="pak.camat", region_code="34.04.01", summary="ekspor-satu")
    audit.record(Action.EXPORT, username="bu.lurah", region_code="34.71.01", summary="ekspor-dua")
    client = cast.client("admin")

    html = client.get("/akun/audit/?action=export&region=34.04").content.decode()

    assert "ekspor-satu" in html and "ekspor-dua" not in html
    html = client.get("/akun/audit/?username=BU.LURAH").content.decode()
    assert "ekspor-dua" in html and "ekspor-satu" not in html


def test_the_page_shows_stored_html_escaped(cast: Cast) -> None:
    audit.record(Action.LOGIN_FAILED, username="<img src=x onerror=alert(1)>")

    html = cast.client("admin").get("/akun/audit/").content.decode()

    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_the_csv_export_neutralises_formulas_and_is_itself_audited(cast: Cast) -> None:
    for name in ('=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(1)", "biasa"):
        audit.record(Action.LOGIN_FAILED, username=name)

    response = cast.client("admin").get("/akun/audit.csv?action=login_failed")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.getvalue().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["pengguna"] for r in rows) == sorted(
        ['\'=HYPERLINK("http://x","y")', "'+1", "'-2+3", "'@SUM(1)", "biasa"]
    )
    assert AuditEvent.objects.filter(action=Action.EXPORT, username="admin").exists()


def test_non_administrators_get_404_for_the_page_and_the_export(cast: Cast) -> None:
    for role in ("kabupaten", "kecamatan", "desa", "viewer", "outsider"):
        client = cast.client(role)
        assert client.get("/akun/audit/").status_code == 404
        assert client.get("/akun/audit.csv").status_code == 404


def test_the_admin_site_shows_the_audit_log_read_only(cast: Cast) -> None:
    event = audit.record(Action.EXPORT, username="budi")
    client = cast.client("admin")

    assert client.get("/admin/accounts/auditevent/").status_code == 200
    assert client.get("/admin/accounts/auditevent/add/").status_code == 403
    assert (
        client.post(f"/admin/accounts/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()
