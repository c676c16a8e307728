"""Real-browser tests: Debian's Chromium driven by Playwright, against pytest-django's live server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip(f"Chromium not installed at {CHROMIUM} (Debian package 'chromium')")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed")
    # Playwright runs its own event loop; Django must allow sync DB access from this thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


def national_reader_cookie(live_server: Any) -> dict[str, Any]:
    """A session cookie for a national read-only user, for the live server's domain."""
    from django.contrib.auth.models import User
    from django.test import Client

    from accounts.models import Assignment

    user, created = User.objects.get_or_create(username="pembaca-peramban")
    if created:
        Assignment.objects.create(user=user, role="viewer", region=None)
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"]
    return {"name": "sessionid", "value": session.value, "url": live_server.url}


@pytest.fixture
def signed_in(browser: Any, live_server: Any) -> Iterator[Any]:
    """A browser context (desktop size) signed in as a national reader."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies([national_reader_cookie(live_server)])
    yield context
    context.close()


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Any]:
    """A signed-in page at 360×740, the screen of a cheap Android phone."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.add_cookies([national_reader_cookie(live_server)])
    page = context.new_page()
    yield page
    context.close()
