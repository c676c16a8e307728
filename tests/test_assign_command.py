"""`manage.py assign`: provisioning users and roles from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from accounts.models import Action, Assignment, AuditEvent

pytestmark = pytest.mark.usefixtures("diy_regions")


def test_it_creates_a_user_with_a_random_password_printed_once(capsys) -> None:
    call_command("assign", "camat.gamping", "kecamatan", "34.04.01", "--create")

    out = capsys.readouterr().out
    password = out.split("initial password: ")[1].strip()
    user = User.objects.get(username="camat.gamping")
    assert user.check_password(password)
    assert list(Assignment.objects.values_list("user__username", "role", "region_id")) == [
        ("camat.gamping", "kecamatan", "34.04.01")
    ]
    client = Client()
    client.post("/masuk/", {"username": "camat.gamping", "password": password})
    home = client.get("/").content.decode()  # the work menu, its dashboard one tap away
    assert "Tugas saya" in home and 'class="button" href="/kecamatan/34.04.01/"' in home
    assert AuditEvent.objects.filter(action=Action.USER_CREATED).exists()
    assert AuditEvent.objects.filter(
        action=Action.ASSIGNMENT_ADDED, region_code="34.04.01"
    ).exists()


def test_it_reads_the_password_from_a_file_and_does_not_print_it(tmp_path: Path, capsys) -> None:
    secret = tmp_path / "sandi.txt"
    secret.write_text("Sleman-Sembada-2025!\n", encoding="utf-8")

    call_command(
        "assign",
        "op.balecatur",
        "desa",
        "34.04.01.2001",
        "--create",
        "--password-file",
        str(secret),
    )

    assert "Sleman-Sembada-2025!" not in capsys.readouterr().out
    assert User.objects.get(username="op.balecatur").check_password("Sleman-Sembada-2025!")


def test_it_refuses_a_weak_password_and_creates_nothing(tmp_path: Path) -> None:
    secret = tmp_path / "sandi.txt"
    secret.write_text("12345678\n", encoding="utf-8")

    with pytest.raises(CommandError):
        call_command(
            "assign", "op", "desa", "34.04.01.2001", "--create", "--password-file", str(secret)
        )
    assert not User.objects.filter(username="op").exists()


def test_it_needs_create_for_an_unknown_user() -> None:
    with pytest.raises(CommandError, match="--create"):
        call_command("assign", "siapa", "viewer", "34.04")
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("desa", "34.04.01"),
        ("kecamatan", "34.04"),
        ("kabupaten", "34.04.01"),
        ("admin", "34.04"),
        ("viewer", "34.99"),
    ],
)
def test_it_refuses_a_role_at_the_wrong_level_or_an_unknown_region(role: str, code: str) -> None:
    User.objects.create_user("pak.budi")

    with pytest.raises(CommandError):
        call_command("assign", "pak.budi", role, code)
    assert not Assignment.objects.exists()


def test_running_it_twice_changes_nothing(capsys) -> None:
    User.objects.create_user("bu.sri")
    call_command("assign", "bu.sri", "viewer", "34.04")
    call_command("assign", "bu.sri", "viewer", "34.04")

    assert Assignment.objects.count() == 1
    assert "already present" in capsys.readouterr().out


def test_a_kecamatan_role_may_be_limited_to_sectors() -> None:
    User.objects.create_user("upt.kesehatan")

    call_command(
        "assign",
        "upt.kesehatan",
        "kecamatan",
        "34.04.01",
        "--sector",
        "kesehatan",
        "--sector",
        "gizi",
    )

    assert Assignment.objects.get().sectors == ["gizi", "kesehatan"]


def test_a_national_admin_becomes_staff_and_superuser() -> None:
    user = User.objects.create_user("admin.pusat")

    call_command("assign", "admin.pusat", "admin", "-")

    user.refresh_from_db()
    assert user.is_staff and user.is_superuser
    assert Assignment.objects.get().region_id is None


def test_the_database_refuses_duplicate_assignments_national_or_regional() -> None:
    from django.db import IntegrityError, transaction

    user = User.objects.create_user("ganda")
    Assignment.objects.create(user=user, role="admin", region=None)
    Assignment.objects.create(user=user, role="viewer", region_id="34.04")

    for region in (None, "34.04"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Assignment.objects.create(
                user=user, role="admin" if region is None else "viewer", region_id=region
            )
