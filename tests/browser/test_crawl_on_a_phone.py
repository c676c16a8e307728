"""Every role, from its home, two levels of links deep on a 360 px phone: each page answers
without a server error, fits the screen, and hides no table cell or form input."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from accounts.models import Assignment, Role
from tests.browser.phone import phone_as, phone_problems
from tests.browser.test_dashboard_in_browser import GAMPING, gamping_with_data  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Files and actions, not pages: answered (status checked) but not laid out.
FILES = (".pdf", ".xlsx", ".csv")
SKIP = ("/admin/", "/i18n/", "/keluar/", "/static/")

LINKS_JS = """() => Array.from(document.querySelectorAll('a[href]'))
  .map(a => a.getAttribute('href'))
  .filter(h => h.startsWith('/') && !h.startsWith('//'))"""


def pattern_of(path: str) -> str:
    """The URL pattern `path` answers to: links that differ only in a region code, a year or
    a query string show the same page laid out with other figures."""
    try:
        return resolve(path).route
    except Resolver404:
        return path


def crawl(page: Any, base: str, depth: int = 2) -> dict[str, list[str]]:
    """Pages visited (one per URL pattern) and the problems found on each."""
    found: dict[str, list[str]] = {}
    frontier = ["/"]
    seen_patterns: set[str] = set()
    for level in range(depth + 1):
        following: list[str] = []
        for href in frontier:
            path = urlsplit(href).path
            if any(path.startswith(s) for s in SKIP) or pattern_of(path) in seen_patterns:
                continue
            seen_patterns.add(pattern_of(path))
            if path.endswith(FILES):
                response = page.request.get(base + href)
                found[href] = [] if response.status < 500 else [f"status {response.status}"]
                continue
            response = page.goto(base + href)
            problems = [] if response.status < 500 else [f"status {response.status}"]
            found[href] = problems + phone_problems(page)
            if level < depth:
                following += list(page.evaluate(LINKS_JS))
        frontier = following
    return found


@pytest.mark.usefixtures("gamping_with_data")
@pytest.mark.parametrize(
    ("role", "region"),
    [
        (Role.DESA, f"{GAMPING}.2001"),
        (Role.KECAMATAN, GAMPING),
        (Role.VIEWER, GAMPING),
        (Role.KABUPATEN, "34.04"),
    ],
)
def test_every_page_two_links_from_home_fits_a_phone(
    live_server: Any, browser: Any, role: str, region: str
) -> None:
    from django.contrib.auth.models import User

    user = User.objects.create_user(f"{role}-jelajah")
    Assignment.objects.create(user=user, role=role, region_id=region)
    page = phone_as(browser, live_server, user)
    found = crawl(page, live_server.url)
    page.context.close()
    assert len(found) >= 5, found
    assert {href: p for href, p in found.items() if p} == {}


@pytest.mark.usefixtures("gamping_with_data")
def test_a_programme_secretariat_crawls_its_programme_on_a_phone(
    live_server: Any, browser: Any
) -> None:
    from django.contrib.auth.models import User

    from planning.cohorts import load_cohort

    user = User.objects.create_user("program-jelajah")
    cohort = load_cohort("P3PD uji", [GAMPING]).cohort
    Assignment.objects.create(user=user, role=Role.PROGRAM, cohort=cohort)
    page = phone_as(browser, live_server, user)
    found = crawl(page, live_server.url)
    page.context.close()
    assert f"/program/{cohort.pk}/" in found
    assert {href: p for href, p in found.items() if p} == {}
