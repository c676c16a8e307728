"""The TOTP second factor: required for administrators, optional for everyone else."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import assigning
from accounts.login import PENDING_KEY, PENDING_SECONDS
from accounts.models import Action, AuditEvent
from tests.cast import PASSWORD, Cast, cast_fixture, make_user  # noqa: F401

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def wrong_code(device: TOTPDevice) -> str:
    valid = {code_for(device, offset) for offset in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def password_step(client: Client, username: str) -> str:
    response = client.post("/masuk/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return str(response["Location"])


def test_an_administrator_without_a_device_must_set_one_up_before_being_logged_in(
    cast: Cast,
) -> None:
    TOTPDevice.objects.all().delete()
    client = Client()

    assert password_step(client, "admin") == "/masuk/totp/"
    assert client.get("/masuk/totp/")["Location"] == "/masuk/totp/daftar/"
    html = client.get("/masuk/totp/daftar/").content.decode()
    assert "<svg" in html
    assert "_auth_user_id" not in client.session
    assert client.get("/akun/audit/")["Location"].startswith("/masuk/")

    device = TOTPDevice.objects.get(user=cast.users["admin"], confirmed=False)
    response = client.post("/masuk/totp/daftar/", {"code": code_for(device)})

    assert response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/akun/audit/").status_code == 200
    assert AuditEvent.objects.filter(action=Action.TOTP_ENROLLED, username="admin").exists()


def test_an_administrator_with_a_device_needs_the_right_code(cast: Cast) -> None:
    client = Client()
    password_step(client, "admin")
    device = TOTPDevice.objects.get(user=cast.users["admin"])

    wrong = client.post("/masuk/totp/", {"code": wrong_code(device)})
    assert "Kode salah" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=Action.TOTP_FAILED, username="admin").exists()

    device.refresh_from_db()
    device.throttling_failure_count = 0  # skip the throttle delay the wrong code started
    device.save()
    right = client.post("/masuk/totp/", {"code": code_for(device)})
    assert right["Location"] == "/"
    assert client.session["_auth_user_id"] == str(cast.users["admin"].pk)
    assert client.get("/admin/").status_code == 200


def test_a_code_cannot_be_used_twice(cast: Cast) -> None:
    device = TOTPDevice.objects.get(user=cast.users["admin"])
    first = Client()
    password_step(first, "admin")
    code = code_for(device)
    assert first.post("/masuk/totp/", {"code": code}).status_code == 302

    second = Client()
    password_step(second, "admin")
    response = second.post("/masuk/totp/", {"code": code})

    assert response.status_code == 200
    assert "_auth_user_id" not in second.session


def test_too_many_wrong_codes_send_the_user_back_to_the_password(cast: Cast) -> None:
    client = Client()
    password_step(client, "admin")
    device = TOTPDevice.objects.get(user=cast.users["admin"])
    for _ in range(5):
        TOTPDevice.objects.update(throttling_failure_count=0)
        response = client.post("/masuk/totp/", {"code": wrong_code(device)})

    assert response["Location"] == "/masuk/"
    assert PENDING_KEY not in client.session


def test_the_code_step_expires(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    client = Client()
    password_step(client, "admin")
    device = TOTPDevice.objects.get(user=cast.users["admin"])
    later = time.time() + PENDING_SECONDS + 1
    monkeypatch.setattr("accounts.login.time.time", lambda: later)

    response = client.post("/masuk/totp/", {"code": code_for(device)})

    assert response["Location"] == "/masuk/"
    assert "_auth_user_id" not in client.session


def test_a_session_without_the_second_factor_is_ended_for_a_new_administrator(
    cast: Cast,
) -> None:
    client = cast.client("kabupaten")
    assigning.grant(by=None, user=cast.users["kabupaten"], role="admin", region_code=None)

    response = client.get("/akun/")

    assert response["Location"].startswith("/masuk/")
    assert "_auth_user_id" not in client.session


def test_any_user_may_add_a_second_factor_and_then_must_use_it(cast: Cast) -> None:
    client = cast.client("desa")
    assert "<svg" in client.get("/akun/totp/").content.decode()
    device = TOTPDevice.objects.get(user=cast.users["desa"], confirmed=False)

    assert client.post("/akun/totp/", {"code": code_for(device)})["Location"] == "/akun/"
    assert "Verifikasi dua langkah: aktif." in client.get("/akun/").content.decode()

    again = Client()
    assert password_step(again, "desa") == "/masuk/totp/"
    assert "_auth_user_id" not in again.session


def test_a_user_without_a_device_and_no_admin_role_logs_in_with_the_password_only(
    cast: Cast,
) -> None:
    make_user("biasa")
    client = Client()

    assert password_step(client, "biasa") == "/"
    assert "_auth_user_id" in client.session
