"""Fixtures for the dashboard tests: a hand-made kecamatan with known numbers, sample data
for Kabupaten Sleman, and a signed-in national reader.

Use with `from tests.dashboard_fixtures import known_fixture  # noqa: F401` (and so on):
the fixtures are called `known`, `reader` and `sleman`.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts.models import Assignment
from datavalues.models import How
from datavalues.writing import ValueInput, save_values
from regions.models import Region
from regions.sizes import refresh_region_sizes
from tests.analytics_fixtures import make_regions

# Kecamatan 91.01.01: four desa with known K01 (ANC) figures; 91.01.02 has one more desa so
# the kabupaten figure differs from the kecamatan one.
NAMES = {
    "91.01.01.2001": "Alpha",
    "91.01.01.2002": "Beta",
    "91.01.01.2003": "Gamma",
    "91.01.01.2004": "Delta",
    "91.01.02.2001": "Epsilon",
}
# (BUMIL_ANC, BUMIL_SASARAN) per desa and year; Delta reports nothing.
ANC = {
    "2025": {
        "91.01.01.2001": (90, 100),  # 90,0 % — sesuai jalur (band 10 below target 100)
        "91.01.01.2002": (50, 200),  # 25,0 % — perlu percepatan
        "91.01.01.2003": (100, 100),  # 100,0 % — tercapai
        "91.01.02.2001": (300, 300),
    },
    "2024": {
        "91.01.01.2001": (80, 100),  # +10 poin
        "91.01.01.2002": (40, 200),  # +5 poin
        "91.01.01.2003": (95, 100),  # +5 poin
        "91.01.02.2001": (250, 300),
    },
}


def _client_for(username: str, role: str = "viewer", region: str | None = None) -> Client:
    user = User.objects.create_user(username)
    Assignment.objects.create(user=user, role=role, region_id=region)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(name="reader")
def reader_fixture(db: None) -> Client:
    """A national reader (every page needs a login; access itself: tests/access_matrix.py)."""
    return _client_for("pembaca-dasbor")


@pytest.fixture(name="known")
def known_fixture(catalogue: None) -> None:
    """Province 91 with the known figures above, catalogue loaded, roll-ups current."""
    make_regions([[4, 1]])
    for code, name in NAMES.items():
        Region.objects.filter(code=code).update(name=name)
    values = [
        ValueInput(desa, element, year, float(value), "uji")
        for year, rows in ANC.items()
        for desa, (anc, sasaran) in rows.items()
        for element, value in (("BUMIL_ANC", anc), ("BUMIL_SASARAN", sasaran))
    ]
    save_values(values=values, how=How.FORM, source="uji")  # raises on any invalid value
    refresh_region_sizes()


@pytest.fixture(name="sleman")
def sleman_fixture(sleman_sample_data: None) -> None:
    """Sample values and APBDes (source "contoh") for Kabupaten Sleman, 2024–2025: shared
    data, loaded once per test process (tests/shared_data.py)."""


def text_of(html: str) -> str:
    """The visible text of a page, tags removed and whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
