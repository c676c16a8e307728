"""API tokens: shown once, stored hashed, expiring, revocable, never wider than their user."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts import assigning
from accounts.models import Action, ApiToken, Assignment, AuditEvent, hash_token
from tests.cast import PASSWORD, Cast, cast_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def api_get(token: str, path: str):
    return Client().get(path, headers={"Authorization": f"Bearer {token}"})


def api_post(token: str, path: str, body: object):
    return Client().post(
        path,
        body if isinstance(body, (str, bytes)) else json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_a_token_is_shown_once_and_only_its_hash_is_stored(cast: Cast) -> None:
    client = cast.client("desa")
    html = client.post("/akun/token/", {"name": "skrip impor", "days": 30}).content.decode()

    token = ApiToken.objects.get(name="skrip impor")
    raw = html.split('<p class="secret">')[1].split("</p>")[0]
    assert raw.startswith("dk_") and len(raw) > 40
    assert token.digest == hash_token(raw) and raw not in (token.digest, token.hint)
    assert token.expires_at.date() == (timezone.now() + timedelta(days=30)).date()
    assert raw not in client.get("/akun/token/").content.decode()
    assert api_get(raw, "/api/v1/me").json()["username"] == "desa"
    assert AuditEvent.objects.filter(action=Action.TOKEN_CREATED, username="desa").exists()


def test_the_api_answers_401_in_json_without_a_token_or_with_a_wrong_one(cast: Cast) -> None:
    for headers in ({}, {"Authorization": "Bearer dk_salah"}, {"Authorization": "Basic eDp5"}):
        response = Client().get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.json() == {"detail": "Unauthorized"}


def test_a_write_with_a_wrong_token_answers_401_not_a_csrf_refusal(cast: Cast) -> None:
    for headers in ({"Authorization": "Bearer dk_salah"}, {"Authorization": "bearer x"}):
        client = Client(enforce_csrf_checks=True)
        client.force_login(cast.users["kabupaten"])
        response = client.post(
            "/api/v1/assignments",
            json.dumps({"username": "outsider", "role": "viewer", "region": "34.04.02"}),
            content_type="application/json",
            headers=headers,
        )

        assert response.status_code == 401
        assert response.json() == {"detail": "Unauthorized"}
    assert not Assignment.objects.filter(user=cast.users["outsider"]).exists()


def test_a_revoked_token_is_refused_and_the_revocation_is_audited(cast: Cast) -> None:
    client = cast.client("desa")
    token = ApiToken.objects.get(user=cast.users["desa"])

    client.post(f"/akun/token/{token.pk}/cabut/")

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api_get(cast.tokens["desa"], "/api/v1/me").status_code == 401
    assert AuditEvent.objects.filter(action=Action.TOKEN_REVOKED, username="desa").exists()


def test_nobody_can_revoke_another_users_token(cast: Cast) -> None:
    token = ApiToken.objects.get(user=cast.users["desa"])

    response = cast.client("kabupaten").post(f"/akun/token/{token.pk}/cabut/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_expired_token_is_refused(cast: Cast) -> None:
    ApiToken.objects.filter(user=cast.users["desa"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert api_get(cast.tokens["desa"], "/api/v1/me").status_code == 401


def test_the_token_of_an_inactive_user_is_refused(cast: Cast) -> None:
    cast.users["desa"].is_active = False
    cast.users["desa"].save()

    assert api_get(cast.tokens["desa"], "/api/v1/me").status_code == 401


def test_a_desa_token_reads_its_desa_but_not_the_neighbouring_desa(cast: Cast) -> None:
    own = api_get(cast.tokens["desa"], "/api/v1/regions/34.04.01.2001")
    other = api_get(cast.tokens["desa"], "/api/v1/regions/34.04.01.2002")
    up = api_get(cast.tokens["desa"], "/api/v1/regions/34.04.01")

    assert own.status_code == 200 and own.json()["name"] == "Balecatur"
    assert other.status_code == 404 and "Ambarketawang" not in other.content.decode()
    assert up.status_code == 404


def test_search_through_the_api_returns_only_regions_in_scope(cast: Cast) -> None:
    rows = api_get(cast.tokens["kecamatan"], "/api/v1/regions?q=34.04").json()

    assert rows and all(r["code"].startswith("34.04.01") for r in rows)


def test_a_desa_token_cannot_write_for_another_desa_and_nothing_is_written(cast: Cast) -> None:
    before = Assignment.objects.count()

    response = api_post(
        cast.tokens["desa"],
        "/api/v1/assignments",
        {"username": "outsider", "role": "viewer", "region": "34.04.01.2002"},
    )

    assert response.status_code == 404
    assert Assignment.objects.count() == before
    denied = AuditEvent.objects.get(action=Action.DENIED, username="desa")
    assert denied.region_code == "34.04.01.2002"


def test_a_kabupaten_token_assigns_inside_its_kabupaten_only(cast: Cast) -> None:
    assigning.grant(by=None, user=cast.users["outsider"], role="viewer", region_code="34.04.03")
    inside = api_post(
        cast.tokens["kabupaten"],
        "/api/v1/assignments",
        {"username": "outsider", "role": "kecamatan", "region": "34.04.03", "sectors": ["gizi"]},
    )
    outside = api_post(
        cast.tokens["kabupaten"],
        "/api/v1/assignments",
        {"username": "outsider", "role": "kecamatan", "region": "34.71.01"},
    )
    admin = api_post(
        cast.tokens["kabupaten"], "/api/v1/assignments", {"username": "outsider", "role": "admin"}
    )

    assert inside.status_code == 201
    assert inside.json()["sectors"] == ["gizi"]
    assert outside.status_code == 404
    assert admin.status_code == 404
    assert list(
        Assignment.objects.filter(user=cast.users["outsider"])
        .order_by("role")
        .values_list("role", "region_id")
    ) == [("kecamatan", "34.04.03"), ("viewer", "34.04.03")]
    event = AuditEvent.objects.get(action=Action.ASSIGNMENT_ADDED, username="kabupaten")
    assert event.region_code == "34.04.03"


def test_a_kabupaten_token_learns_nothing_about_accounts_outside_its_kabupaten(
    cast: Cast,
) -> None:
    token = cast.tokens["kabupaten"]
    body = {"role": "viewer", "region": "34.04.03"}

    existing = api_post(token, "/api/v1/assignments", {"username": "outsider", **body})
    unknown = api_post(token, "/api/v1/assignments", {"username": "tidak-pernah-ada", **body})

    assert existing.status_code == unknown.status_code == 400
    assert existing.json() == unknown.json() == {"detail": "Unknown username"}
    assert not Assignment.objects.filter(user=cast.users["outsider"]).exists()


def test_a_token_loses_what_its_user_loses(cast: Cast) -> None:
    assert api_get(cast.tokens["kecamatan"], "/api/v1/regions/34.04.01").status_code == 200
    assignment = Assignment.objects.get(user=cast.users["kecamatan"])
    assigning.revoke(by=None, assignment=assignment)

    assert api_get(cast.tokens["kecamatan"], "/api/v1/regions/34.04.01").status_code == 404
    assert api_get(cast.tokens["kecamatan"], "/api/v1/me").json()["regions"] == []


def test_a_token_never_takes_the_scope_of_a_logged_in_session(cast: Cast) -> None:
    client = cast.client("admin")
    response = client.get(
        "/api/v1/regions/34.71.01", headers={"Authorization": f"Bearer {cast.tokens['desa']}"}
    )

    assert response.status_code == 404


def test_a_browser_session_may_read_the_api_within_its_scope(cast: Cast) -> None:
    client = cast.client("kecamatan")

    assert client.get("/api/v1/regions/34.04.01").status_code == 200
    assert client.get("/api/v1/regions/34.04.02").status_code == 404


def test_a_browser_session_must_send_the_csrf_token_to_write(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.users["kabupaten"])

    response = client.post(
        "/api/v1/assignments",
        json.dumps({"username": "outsider", "role": "viewer", "region": "34.04.02"}),
        content_type="application/json",
    )

    assert response.status_code in (401, 403)
    assert not Assignment.objects.filter(user=cast.users["outsider"]).exists()


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        json.dumps({"username": "outsider"}),
        json.dumps({"username": "a" * 200, "role": "viewer", "region": "34.04.02"}),
        json.dumps({"username": "outsider", "role": "viewer", "region": "34.04.02'; DROP--"}),
        json.dumps({"username": "outsider", "role": "raja", "region": "34.04.02"}),
        json.dumps([1, 2, 3]),
    ],
)
def test_malformed_json_is_refused_with_4xx_and_nothing_is_written(cast: Cast, body: str) -> None:
    response = api_post(cast.tokens["kabupaten"], "/api/v1/assignments", body)

    assert 400 <= response.status_code < 500
    assert not Assignment.objects.filter(user=cast.users["outsider"]).exists()


def test_an_oversized_body_is_refused_without_a_server_error(cast: Cast) -> None:
    body = json.dumps({"username": "outsider", "role": "viewer", "pad": "x" * 3_000_000})

    response = api_post(cast.tokens["kabupaten"], "/api/v1/assignments", body)

    assert response.status_code in (400, 413)
    assert not Assignment.objects.filter(user=cast.users["outsider"]).exists()


def test_createtoken_prints_a_working_token_once(cast: Cast, capsys) -> None:
    call_command("createtoken", "viewer", "--name", "dasbor", "--days", "7")

    raw = capsys.readouterr().out.strip()
    assert api_get(raw, "/api/v1/me").json()["username"] == "viewer"
    token = ApiToken.objects.get(name="dasbor")
    assert token.expires_at.date() == (timezone.now() + timedelta(days=7)).date()
    event = AuditEvent.objects.get(action=Action.TOKEN_CREATED, username="manage.py")
    assert event.summary.startswith("viewer: dasbor")


def test_createtoken_refuses_an_unbounded_lifetime(cast: Cast) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("createtoken", "viewer", "--name", "abadi", "--days", "100000")
    assert not ApiToken.objects.filter(name="abadi").exists()


def test_an_administrator_session_without_the_second_factor_cannot_use_the_api(
    cast: Cast,
) -> None:
    client = Client()
    client.force_login(cast.users["admin"])  # password only: no verified TOTP device

    assert client.get("/api/v1/me").status_code == 401
    assert cast.client("admin").get("/api/v1/me").status_code == 200


def test_html_in_a_token_name_is_shown_escaped(cast: Cast) -> None:
    client = cast.client("desa")
    client.post("/akun/token/", {"name": "<script>alert(1)</script>", "days": 1})

    html = client.get("/akun/token/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_password_change_revokes_the_users_tokens_and_says_so(cast: Cast) -> None:
    client = cast.client("desa")
    other = cast.tokens["kecamatan"]

    response = client.post(
        "/akun/sandi/",
        {
            "old_password": PASSWORD,
            "new_password1": "kata-sandi-baru-yang-panjang",
            "new_password2": "kata-sandi-baru-yang-panjang",
        },
    )

    assert response.status_code == 302
    assert api_get(cast.tokens["desa"], "/api/v1/me").status_code == 401
    assert not ApiToken.objects.usable().filter(user=cast.users["desa"]).exists()
    assert api_get(other, "/api/v1/me").status_code == 200
    event = AuditEvent.objects.get(action=Action.TOKEN_REVOKED, username="desa")
    assert event.detail["reason"] == "password_changed"
    assert "dicabut otomatis" in client.get("/akun/token/").content.decode()


def test_set_password_outside_the_site_also_revokes_the_tokens(cast: Cast) -> None:
    user = cast.users["kecamatan"]
    user.set_password("kata-sandi-baru-yang-panjang")
    user.save()

    assert api_get(cast.tokens["kecamatan"], "/api/v1/me").status_code == 401


def test_saving_a_user_without_a_new_password_keeps_the_tokens(cast: Cast) -> None:
    user = cast.users["kecamatan"]
    user.first_name = "Budi"
    user.save()
    Client().post("/masuk/", {"username": "kecamatan", "password": PASSWORD})

    assert api_get(cast.tokens["kecamatan"], "/api/v1/me").status_code == 200
