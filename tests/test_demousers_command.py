"""`manage.py demousers`: one demo user per role in Sleman, random passwords printed once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from accounts.management.commands.demousers import DEMO_USERS, demo_users_exist
from accounts.models import Assignment
from planning.cohorts import Cohort
from planning.demo import seed_cohort

pytestmark = pytest.mark.usefixtures("diy_regions")


@pytest.fixture(autouse=True)
def sample_programme(diy_regions: None) -> Cohort:
    """The sample programme of seeddemoplanning, whose secretariat is demo-program."""
    return seed_cohort("34.04")  # type: ignore[return-value]


ROOT = Path(__file__).resolve().parent.parent


def run(capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    call_command("demousers")
    out = capsys.readouterr().out
    return dict(re.findall(r"^\s+(demo-\w+)\s+(\S{12,})\s+\w+", out, flags=re.MULTILINE))


def test_it_creates_one_user_per_role_with_its_region(capsys: pytest.CaptureFixture[str]) -> None:
    passwords = run(capsys)

    assert set(passwords) == {name for name, _, _ in DEMO_USERS}
    assert len(set(passwords.values())) == len(DEMO_USERS)
    assert set(Assignment.objects.values_list("user__username", "role", "region_id")) == set(
        DEMO_USERS
    )
    for name, password in passwords.items():
        assert User.objects.get(username=name).check_password(password)


def test_the_passwords_are_random_and_not_in_the_code(capsys: pytest.CaptureFixture[str]) -> None:
    first = run(capsys)
    User.objects.filter(username__startswith="demo-").delete()
    second = run(capsys)

    source = (ROOT / "accounts" / "management" / "commands" / "demousers.py").read_text()
    assert all(first[name] != second[name] for name in first)
    assert not any(password in source for password in first.values())


def test_a_second_run_changes_no_password(capsys: pytest.CaptureFixture[str]) -> None:
    first = run(capsys)
    second = run(capsys)

    assert second == {}
    assert User.objects.get(username="demo-desa").check_password(first["demo-desa"])
    assert demo_users_exist()


def test_the_demo_camat_logs_in_and_lands_on_the_kecamatan(
    capsys: pytest.CaptureFixture[str],
) -> None:
    passwords = run(capsys)
    client = Client()
    client.post("/masuk/", {"username": "demo-kecamatan", "password": passwords["demo-kecamatan"]})

    home = client.get("/").content.decode()  # the work menu, its dashboard one tap away
    assert "Tugas saya" in home and 'class="button" href="/kecamatan/34.04.01/"' in home
    assert client.get("/wilayah/34.04.02/").status_code == 404


def test_the_demo_programme_secretariat_sees_the_sample_programme(
    capsys: pytest.CaptureFixture[str], sample_programme: Cohort
) -> None:
    passwords = run(capsys)
    assert Assignment.objects.get(user__username="demo-program").cohort_id == sample_programme.pk
    client = Client()
    client.post("/masuk/", {"username": "demo-program", "password": passwords["demo-program"]})
    home = client.get("/").content.decode()
    assert f'href="/program/{sample_programme.pk}/"' in home
    assert client.get(f"/program/{sample_programme.pk}/").status_code == 200


def test_without_a_sample_programme_there_is_no_demo_secretariat(
    capsys: pytest.CaptureFixture[str], sample_programme: Cohort
) -> None:
    sample_programme.delete()
    passwords = run(capsys)
    assert "demo-program" not in passwords
    assert not User.objects.filter(username="demo-program").exists()
