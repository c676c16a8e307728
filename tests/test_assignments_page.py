"""The assignment page: administrators everywhere, kabupaten users inside their kabupaten."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts.models import Action, Assignment, AuditEvent
from tests.cast import Cast, cast_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def add(client: Client, **fields: object) -> Any:
    data = {"username": "outsider", "role": "viewer", "region": "", **fields}
    return client.post("/akun/penugasan/", data)


def test_a_kabupaten_user_sees_only_assignments_inside_the_kabupaten(cast: Cast) -> None:
    User.objects.create_user("kota")
    Assignment.objects.create(
        user=User.objects.get(username="kota"), role="viewer", region_id="34.71"
    )

    html = cast.client("kabupaten").get("/akun/penugasan/").content.decode()

    assert "34.04.01.2001" in html  # the desa operator
    assert "34.71" not in html
    assert "Seluruh Indonesia" not in html  # not the national admin


def test_a_kabupaten_user_assigns_a_camat_inside_the_kabupaten(cast: Cast) -> None:
    response = add(
        cast.client("kabupaten"),
        username="desa",  # holds a role inside the kabupaten
        role="kecamatan",
        region="34.04.05",
        sectors=["kesehatan", "gizi"],
    )

    assert response["Location"] == "/akun/penugasan/"
    assignment = Assignment.objects.get(user__username="desa", role="kecamatan")
    assert (assignment.role, assignment.region_id, assignment.sectors) == (
        "kecamatan",
        "34.04.05",
        ["gizi", "kesehatan"],
    )
    assert assignment.created_by == cast.users["kabupaten"]
    event = AuditEvent.objects.get(action=Action.ASSIGNMENT_ADDED, username="kabupaten")
    assert event.detail["username"] == "desa" and event.ip_address == "127.0.0.1"


def test_a_kabupaten_user_cannot_reach_an_account_without_a_role_in_the_kabupaten(
    cast: Cast,
) -> None:
    """`outsider` exists but holds no role here: answered like a username that does not exist."""
    client = cast.client("kabupaten")

    existing = add(client, username="outsider", region="34.04.02").content.decode()
    unknown = add(client, username="tidak-pernah-ada", region="34.04.02").content.decode()
    created = add(client, username="outsider", region="34.04.02", create="on").content.decode()

    assert "Pengguna outsider tidak ada." in existing
    assert "Pengguna tidak-pernah-ada tidak ada." in unknown
    assert "Nama pengguna ini tidak dapat dipakai" in created
    assert not Assignment.objects.filter(user__username="outsider").exists()
    assert User.objects.filter(username="outsider").count() == 1


def test_a_kabupaten_user_reaches_the_accounts_they_created_even_without_a_role(
    cast: Cast,
) -> None:
    client = cast.client("kabupaten")
    add(client, username="operator.baru", region="34.04.02", create="on")
    Assignment.objects.filter(user__username="operator.baru").delete()

    response = add(client, username="operator.baru", role="desa", region="34.04.02.2001")

    assert response.status_code == 302
    assert Assignment.objects.filter(
        user__username="operator.baru", role="desa", region_id="34.04.02.2001"
    ).exists()
    other = cast.client("admin")
    add(other, username="dari.admin", region="34.71", create="on")
    html = add(client, username="dari.admin", region="34.04.02").content.decode()
    assert "Pengguna dari.admin tidak ada." in html


def test_another_kabupaten_is_refused_with_a_message_logged_and_nothing_written(cast: Cast) -> None:
    html = add(cast.client("kabupaten"), role="kecamatan", region="34.71.01").content.decode()

    assert "Anda tidak berwenang memberi peran ini di wilayah ini." in html
    assert not Assignment.objects.filter(user__username="outsider").exists()
    assert AuditEvent.objects.filter(action=Action.DENIED, username="kabupaten").exists()


def test_a_kabupaten_user_cannot_make_anyone_admin_or_kabupaten(cast: Cast) -> None:
    client = cast.client("kabupaten")
    add(client, role="admin")
    add(client, role="kabupaten", region="34.04")

    assert not Assignment.objects.filter(user__username="outsider").exists()


def test_an_administrator_may_create_a_user_whose_password_is_shown_once(cast: Cast) -> None:
    client = cast.client("admin")
    html = add(
        client, username="camat.godean", role="kecamatan", region="34.04.02", create="on"
    ).content.decode()

    password = html.split('<p class="secret">')[1].split("</p>")[0]
    assert User.objects.get(username="camat.godean").check_password(password)
    assert password not in client.get("/akun/penugasan/").content.decode()
    assert AuditEvent.objects.filter(action=Action.USER_CREATED, summary="camat.godean").exists()


def test_an_unknown_user_is_not_created_without_the_checkbox(cast: Cast) -> None:
    html = add(cast.client("admin"), username="baru", region="34.04").content.decode()

    assert "tidak ada" in html
    assert not User.objects.filter(username="baru").exists()


def test_html_and_sql_in_the_username_are_refused_and_shown_escaped(cast: Cast) -> None:
    html = add(
        cast.client("admin"), username="<b>x</b>'; DROP TABLE--", region="34.04", create="on"
    ).content.decode()

    assert "<b>x</b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert not User.objects.filter(username__contains="DROP").exists()


def test_a_kabupaten_user_revokes_inside_but_not_outside(cast: Cast) -> None:
    kota = User.objects.create_user("kota")
    outside = Assignment.objects.create(user=kota, role="viewer", region_id="34.71")
    inside = Assignment.objects.get(user=cast.users["kecamatan"])
    client = cast.client("kabupaten")

    assert client.post(f"/akun/penugasan/{inside.pk}/cabut/")["Location"] == "/akun/penugasan/"
    assert client.post(f"/akun/penugasan/{outside.pk}/cabut/").status_code == 404
    assert not Assignment.objects.filter(pk=inside.pk).exists()
    assert Assignment.objects.filter(pk=outside.pk).exists()
    assert (
        AuditEvent.objects.filter(action=Action.ASSIGNMENT_REMOVED, region_code="34.04.01").count()
        == 1
    )


def test_a_revoked_camat_no_longer_sees_the_kecamatan(cast: Cast) -> None:
    camat = cast.client("kecamatan")
    assert camat.get("/wilayah/34.04.01/").status_code == 200
    inside = Assignment.objects.get(user=cast.users["kecamatan"])

    cast.client("kabupaten").post(f"/akun/penugasan/{inside.pk}/cabut/")

    assert camat.get("/wilayah/34.04.01/").status_code == 404


def test_a_forged_csrf_token_changes_nothing(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.users["kabupaten"])

    response = client.post(
        "/akun/penugasan/",
        {
            "username": "outsider",
            "role": "viewer",
            "region": "34.04",
            "csrfmiddlewaretoken": "palsu",
        },
    )

    assert response.status_code == 403
    assert not Assignment.objects.filter(user__username="outsider").exists()


def test_the_list_can_be_searched_by_username_or_region_code(cast: Cast) -> None:
    client = cast.client("admin")

    by_code = client.get("/akun/penugasan/?q=34.04.01").content.decode()
    by_name = client.get("/akun/penugasan/?q=viewer").content.decode()

    assert "<td>kecamatan</td>" in by_code and "<td>desa</td>" in by_code
    assert "<td>kabupaten</td>" not in by_code
    assert "<td>viewer</td>" in by_name and "<td>desa</td>" not in by_name
