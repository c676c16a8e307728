"""Hardened settings: `check --deploy`, security headers, CSP without inline script."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.cast import Cast, cast_fixture  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def clean_environment(**env: str) -> dict[str, str]:
    """The process environment without test-only switches (e.g. DJANGO_ALLOW_ASYNC_UNSAFE)."""
    kept = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "DATABASE_URL")
    return {k: os.environ[k] for k in kept if k in os.environ} | env


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = clean_environment(**env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECURE_HTTPS="1",
        SECRET_KEY=secrets.token_urlsafe(50),
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_app_refuses_to_start_without_a_secret_key_in_production() -> None:
    environment = {"DEBUG": "0", "SECURE_HTTPS": "1"}
    result = run_manage("check", **environment, SECRET_KEY="insecure-x")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_no_secret_is_in_the_repository_settings() -> None:
    text = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")

    assert 'SECRET_KEY = "' not in text
    assert "SECRET_KEY=\n" in (ROOT / ".env.example").read_text(encoding="utf-8")


@pytest.mark.django_db
def test_pages_carry_a_csp_without_inline_script_and_the_security_headers(cast: Cast) -> None:
    response = cast.client("desa").get("/wilayah/34.04.01.2001/")

    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_login_page_has_no_inline_script_and_is_not_cached(client: Client) -> None:
    response = client.get("/masuk/")
    html = response.content.decode()

    assert "<script>" not in html and "onclick=" not in html
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/wilayah/34.04.01.2001/", "/akun/", "/api/v1/me", "/api/v1/regions/34.04.01.2001"]
)
def test_data_pages_for_a_signed_in_user_are_private_and_not_stored(cast: Cast, path: str) -> None:
    response = cast.client("desa").get(path)

    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives


@pytest.mark.django_db
def test_api_answers_to_a_token_are_private_and_not_stored(cast: Cast) -> None:
    response = Client().get(
        "/api/v1/regions/34.04.01.2001", headers={"Authorization": f"Bearer {cast.tokens['desa']}"}
    )

    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_cookies_are_http_only_same_site_and_limited_in_time() -> None:
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_with_https_the_cookies_are_secure_and_host_only() -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_NAME, "
        "s.CSRF_COOKIE_NAME, s.SECURE_HSTS_SECONDS > 0)"
    )
    environment = clean_environment(
        DEBUG="0", SECURE_HTTPS="1", SECRET_KEY=secrets.token_urlsafe(50)
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.stdout.strip().splitlines()[-1].split() == [
        "True",
        "True",
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
    ], result.stderr
