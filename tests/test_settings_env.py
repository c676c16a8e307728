from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import database_from_url, env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parent.parent


def test_a_boolean_accepts_the_usual_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    for raw, expected in [("1", True), ("true", True), ("Yes", True), ("0", False), ("off", False)]:
        monkeypatch.setenv("FLAG", raw)
        assert env_bool("FLAG", not expected) is expected


def test_an_ambiguous_boolean_stops_the_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLAG", "maybe")

    with pytest.raises(ImproperlyConfigured, match="bukan nilai ya/tidak"):
        env_bool("FLAG", False)


def test_a_non_integer_stops_the_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNT", "10s")

    with pytest.raises(ImproperlyConfigured, match="bukan bilangan bulat"):
        env_int("COUNT", 1)


def test_a_required_variable_that_is_missing_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)

    with pytest.raises(ImproperlyConfigured, match="NOT_SET_ANYWHERE wajib diisi"):
        env_str("NOT_SET_ANYWHERE")


def test_a_list_ignores_spaces_and_empty_items(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSTS", " a.example , ,b.example")

    assert env_list("HOSTS", []) == ["a.example", "b.example"]


def test_a_relative_sqlite_url_lives_in_the_project_and_is_safe_for_concurrent_writers() -> None:
    db = database_from_url("sqlite:///data/dash.sqlite3", Path("/srv/app"))

    assert db["NAME"] == "/srv/app/data/dash.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert "synchronous=FULL" in db["OPTIONS"]["init_command"]


def test_an_absolute_sqlite_url_is_kept() -> None:
    assert (
        database_from_url("sqlite:////var/lib/dash.db", Path("/srv"))["NAME"] == "/var/lib/dash.db"
    )


def test_a_postgres_url_is_split_into_its_parts() -> None:
    db = database_from_url("postgres://dash:s%40cret@db.internal:6543/dashkec", Path("/srv"))

    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "dash",
        "s@cret",
        "db.internal",
        "6543",
        "dashkec",
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/x", "tidak didukung"),
        ("postgres://localhost", "tanpa nama basis data"),
        ("sqlite://", "tanpa nama berkas"),
    ],
)
def test_an_unusable_database_url_is_refused(url: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        database_from_url(url, Path("/srv"))


def start_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.DEBUG"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = start_settings(DEBUG="0")

    assert result.returncode != 0
    assert "SECRET_KEY wajib diisi" in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "short-but-random-Zq9w",  # under 50 characters
        "ab" * 40,  # long, but only 2 different characters
        "django-insecure-" + "x1y2z3w4v5" * 5,  # Django's marker of a throw-away key
    ],
)
def test_production_refuses_to_start_with_a_weak_secret_key(key: str) -> None:
    result = start_settings(DEBUG="0", SECRET_KEY=key)

    assert result.returncode != 0
    assert "minimal 50 karakter" in result.stderr


def test_production_starts_with_a_long_random_secret_key() -> None:
    result = start_settings(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50))

    assert result.returncode == 0, result.stderr


def test_development_starts_without_a_secret_key() -> None:
    assert start_settings(DEBUG="1").returncode == 0


def _redis_answers() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def test_with_redis_url_two_processes_share_job_progress_through_redis() -> None:
    if not _redis_answers():
        pytest.skip("no Redis server on 127.0.0.1:6379")
    code = (
        "import sys, django; django.setup(); from django.core.cache import cache; "
        "from django.conf import settings; "
        "assert settings.CACHES['default']['BACKEND'].endswith('RedisCache'); "
        "cache.set('test-progress', 41) if sys.argv[1] == 'w' else print(cache.get('test-progress'))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    for role in ("w", "r"):
        result = subprocess.run(
            [sys.executable, "-c", code, role],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "41"
