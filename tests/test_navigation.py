"""The navigation bar offers exactly the pages a role may open (tests/access_matrix.py)."""

from __future__ import annotations

import re

import pytest

from accounts.models import Role
from tests.access_matrix import MATRIX, OK
from tests.cast import ROLE_REGIONS, Cast, cast_fixture  # noqa: F401

pytestmark = pytest.mark.usefixtures("catalogue")

# The pages a role reaches from the bar, by the level of the region it is assigned to
# (None: a national or regionless user). A page is expected in the bar when the matrix
# lets the role open it.
NAVIGABLE: dict[int | None, set[str]] = {
    4: {
        "home",
        "dashboard-desa",
        "entry",
        "approval",
        "desa-follow-ups",
        "recommendations",
        "apbdes-evaluation",
        "desa-proposals",
        "intake-upload",
        "region-root",
        "inbox",
        "account",
    },
    3: {
        "home",
        "dashboard-kecamatan",
        "approval-queue",
        "completeness",
        "follow-ups",
        "escalations",
        "proposals",
        "budget-alignment",
        "report-prepare",
        "intake-upload",
        "region-root",
        "inbox",
        "account",
    },
    2: {
        "dashboard-kabupaten",
        "kabupaten-oversight",
        "kabupaten-proposals",
        "local-targets",
        "approval-queue",
        "intake-upload",
        "assignment-list",
        "region-root",
        "inbox",
        "account",
    },
    None: {
        "dashboard-national",
        "approval-queue",
        "intake-upload",
        "assignment-list",
        "audit-list",
        "region-root",
        "inbox",
        "account",
    },
}


def bar(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="work[^"]*"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "no navigation bar"
    return {
        name: href for href, name in re.findall(r'href="([^"]+)"[^>]*data-name="([^"]+)"', nav[1])
    }


def level_of(role: str) -> int | None:
    region = ROLE_REGIONS[role][0] if role in ROLE_REGIONS else None
    return None if region is None else region.count(".") + 1


@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.KABUPATEN, Role.KECAMATAN, Role.DESA, Role.VIEWER]
)
def test_every_role_sees_exactly_the_pages_the_matrix_lets_it_open(cast: Cast, role: str) -> None:
    client = cast.client(role)
    links = bar(client.get("/akun/").content.decode())
    allowed = {name for name in NAVIGABLE[level_of(role)] if MATRIX[name].expect[role] == OK}
    if role == Role.VIEWER:  # a reader has no work menu: home leads to its dashboard
        allowed.discard("home")
    assert set(links) == allowed
    for name, href in links.items():
        assert client.get(href).status_code == 200, (name, href)


def test_a_desa_operator_reaches_the_whole_cycle_from_the_bar(cast: Cast) -> None:
    links = bar(cast.client(Role.DESA).get("/").content.decode())
    assert links["entry"].startswith("/isi/34.04.01.2001/")
    assert links["desa-follow-ups"] == "/desa/34.04.01.2001/tindak-lanjut/"
    assert "completeness" not in links and "follow-ups" not in links


def test_a_signed_in_user_without_assignment_sees_only_account_and_notices(cast: Cast) -> None:
    links = bar(cast.client("outsider").get("/akun/").content.decode())
    assert set(links) == {"inbox", "account"}


def test_a_visitor_sees_no_bar(cast: Cast) -> None:
    assert 'class="work' not in cast.client("anonymous").get("/masuk/").content.decode()


def test_a_programme_secretariat_reaches_its_programmes_and_writes_nothing(cast: Cast) -> None:
    client = cast.client(Role.PROGRAM)
    links = bar(client.get("/akun/").content.decode())
    assert set(links) == {"home", "cohort-list", "region-root", "inbox", "account"}
    for name, href in links.items():
        assert MATRIX[name].expect[Role.PROGRAM] == OK, name
        assert client.get(href).status_code == 200, (name, href)
