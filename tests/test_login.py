"""Logging in and out: username or e-mail, lockout, session handling, audit rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from accounts.models import Action, AuditEvent
from tests.cast import PASSWORD, Cast, cast_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def post_login(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post("/masuk/", {"username": username, "password": password, **extra})


def test_the_login_page_is_in_indonesian_and_has_a_csrf_token(client: Client) -> None:
    html = client.get("/masuk/").content.decode()

    assert "Nama pengguna atau e-mail" in html
    assert "csrfmiddlewaretoken" in html


def test_it_logs_in_with_the_username_and_a_desa_operator_lands_on_their_desa(
    cast: Cast,
) -> None:
    client = Client()
    response = post_login(client, "desa")

    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/").content.decode()  # the work menu, its dashboard one tap away
    assert "Tugas saya" in home and 'class="button" href="/desa/34.04.01.2001/"' in home
    event = AuditEvent.objects.get(action=Action.LOGIN)
    assert (event.username, event.user_id, event.ip_address) == (
        "desa",
        cast.users["desa"].pk,
        "127.0.0.1",
    )


def test_it_logs_in_with_the_email_address_in_any_case(cast: Cast) -> None:
    client = Client()

    assert post_login(client, "KECAMATAN@example.go.id").status_code == 302
    assert client.session["_auth_user_id"] == str(cast.users["kecamatan"].pk)


def test_a_wrong_password_is_refused_in_indonesian_and_audited(cast: Cast) -> None:
    client = Client()
    response = post_login(client, "desa", "salah-sekali")

    assert response.status_code == 200
    assert "Nama pengguna/e-mail atau kata sandi salah." in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.username == "desa"
    assert event.user_id is None


def test_five_failures_lock_the_account_even_for_the_right_password(cast: Cast) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "desa", "salah-sekali")

    response = post_login(client, "desa")

    assert response.status_code == 429
    assert "Akun dikunci sementara" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=Action.LOCKED_OUT, username="desa").exists()


def test_the_lockout_counts_the_email_and_the_username_as_one_account(cast: Cast) -> None:
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        name = "desa" if attempt % 2 else "desa@example.go.id"
        # A different address each time: only the per-account counter can lock.
        post_login(client, name, "salah-sekali", REMOTE_ADDR=f"10.0.0.{attempt + 1}")

    response = client.post(
        "/masuk/", {"username": "desa", "password": PASSWORD}, REMOTE_ADDR="10.0.1.1"
    )

    assert response.status_code == 429


def test_a_few_failures_of_others_behind_one_address_do_not_lock_that_address(
    cast: Cast,
) -> None:
    """A kantor kecamatan behind one NAT: colleagues' typing mistakes lock nobody else."""
    client = Client(REMOTE_ADDR="10.9.9.9")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, f"tebakan{attempt}", "salah-sekali")

    assert post_login(client, "kecamatan").status_code == 302


def test_many_failures_from_one_address_lock_that_address_for_every_account(
    cast: Cast, settings: Any
) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    client = Client(REMOTE_ADDR="10.9.9.9")
    for attempt in range(8):
        post_login(client, f"tebakan{attempt}", "salah-sekali")

    assert post_login(client, "kecamatan").status_code == 429
    assert post_login(Client(REMOTE_ADDR="10.9.9.10"), "kecamatan").status_code == 302


def test_a_success_with_another_account_does_not_reset_the_victims_failures(
    cast: Cast,
) -> None:
    """The bypass: 4 wrong passwords for the victim, then 1 good login to one's own account."""
    for _ in range(4):
        attacker = Client(REMOTE_ADDR="10.7.7.7")
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            post_login(attacker, "desa", "salah-sekali")
        assert post_login(attacker, "kecamatan").status_code == 302

    response = post_login(Client(REMOTE_ADDR="10.8.8.8"), "desa")

    assert response.status_code == 429
    assert "_auth_user_id" not in Client().session


def test_a_success_resets_only_the_failures_of_the_account_that_signed_in(cast: Cast) -> None:
    from axes.models import AccessAttempt

    client = Client(REMOTE_ADDR="10.7.7.7")
    post_login(client, "desa", "salah-sekali")
    post_login(client, "kecamatan", "salah-sekali")

    assert post_login(client, "kecamatan").status_code == 302
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["desa"]


def test_the_lockout_ends_after_the_cool_off(cast: Cast) -> None:
    from axes.models import AccessAttempt

    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "desa", "salah-sekali")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert post_login(client, "desa").status_code == 302


def test_the_session_key_changes_at_login(cast: Cast) -> None:
    client = Client()
    client.get("/masuk/")
    session = client.session
    session["planted"] = "by an attacker"
    session.save()
    before = session.session_key

    post_login(client, "desa")

    assert client.session.session_key != before


def test_the_session_expires_after_the_configured_age_and_at_browser_close(cast: Cast) -> None:
    client = Client()
    response = post_login(client, "desa")

    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""  # a browser-session cookie
    assert cookie["httponly"]


def test_next_never_leads_to_another_site(cast: Cast) -> None:
    response = post_login(Client(), "desa", next="https://jahat.example/")

    assert response["Location"] == "/"


def test_next_leads_back_to_the_page_asked_for(cast: Cast) -> None:
    response = post_login(Client(), "desa", next="/akun/")

    assert response["Location"] == "/akun/"


def test_a_forged_csrf_token_is_refused_and_nobody_is_logged_in(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/masuk/")

    response = client.post(
        "/masuk/", {"username": "desa", "password": PASSWORD, "csrfmiddlewaretoken": "x" * 64}
    )

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(action=Action.LOGIN).exists()


def test_an_inactive_user_cannot_log_in(cast: Cast) -> None:
    User.objects.filter(username="desa").update(is_active=False)

    response = post_login(Client(), "desa")

    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action=Action.LOGIN).exists()


def test_a_deactivated_user_loses_an_open_session(cast: Cast) -> None:
    client = cast.client("desa")
    User.objects.filter(username="desa").update(is_active=False)

    assert client.get("/akun/")["Location"].startswith("/masuk/")


def test_logout_needs_a_post_ends_the_session_and_is_audited(cast: Cast) -> None:
    client = cast.client("desa")

    assert client.get("/keluar/").status_code == 405
    response = client.post("/keluar/")

    assert response["Location"] == "/masuk/"
    assert client.get("/akun/")["Location"] == "/masuk/?next=/akun/"
    assert AuditEvent.objects.filter(action=Action.LOGOUT, username="desa").exists()


def test_html_in_the_username_is_shown_escaped(client: Client) -> None:
    html = post_login(client, "<script>alert(1)</script>", "x").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert AuditEvent.objects.get(action=Action.LOGIN_FAILED).username == (
        "<script>alert(1)</script>"
    )


def test_the_header_shows_the_user_and_a_logout_button(cast: Cast) -> None:
    html = cast.client("desa").get("/akun/").content.decode()

    assert 'href="/akun/">desa</a>' in html
    assert 'action="/keluar/" method="post"' in html


@pytest.mark.parametrize("target", ["abc", "home", "javascript:alert(1)", "//jahat.example/"])
def test_a_next_that_is_not_a_path_on_this_site_leads_home(cast: Cast, target: str) -> None:
    client = Client()

    assert client.get(f"/masuk/?next={target}").status_code == 200
    response = post_login(client, "desa", next=target)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get(f"/masuk/?next={target}")["Location"] == "/"


def test_a_next_path_on_this_site_is_followed(cast: Cast) -> None:
    response = post_login(Client(), "desa", next="/akun/")

    assert response["Location"] == "/akun/"
