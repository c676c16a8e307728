"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from tests import shared_data


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests asking for the same shared data run one after another (tests/shared_data.py);
    a stable sort, so pytest-django's order (transactional tests last) holds within each."""

    def key(item: pytest.Item) -> tuple[bool, tuple[int, int, tuple[str, ...]]]:
        names = getattr(item, "fixturenames", ())
        uses_db = item.get_closest_marker("django_db") is not None or "db" in names
        # The longest tests (marked slow) first, so that they run beside the others.
        slow = item.get_closest_marker("slow") is not None
        return not slow, shared_data.run_order(shared_data.parts_for(names), uses_db)

    items.sort(key=key)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: Any, request: pytest.FixtureRequest) -> Generator[Any]:
    """Before pytest-django opens the test's transaction (or, for a transactional test, hands
    over the database), commit the shared data the test asks for."""
    if fixturedef.argname == "_django_db_helper":
        from pytest_django.fixtures import validate_django_db

        names = request.fixturenames
        marker = request.node.get_closest_marker("django_db")
        transaction, reset_sequences, *_ = validate_django_db(marker) if marker else (False, False)
        with request.getfixturevalue("django_db_blocker").unblock():
            shared_data.hold(shared_data.parts_for(names))
        if (
            transaction
            or reset_sequences
            or {"transactional_db", "live_server", "django_db_reset_sequences"} & set(names)
        ):
            shared_data.flushed_after_test()
    return (yield)


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings: Any) -> None:
    """Tests run with DEBUG off but without `collectstatic`: serve names unhashed."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    """PBKDF2 is slow on purpose (~0.3 s a password); tests create and log in many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _cache_per_test(settings: Any) -> None:
    """Job progress goes through the cache: each test gets an empty one of its own (the
    worker runs inside the test process), not the file cache shared by runs in parallel."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def diy_regions(db: None) -> None:
    """DI Yogyakarta (province 34): 5 kabupaten/kota, 78 kecamatan, 438 desa/kelurahan."""
    shared_data.ensure("diy_regions")


@pytest.fixture
def national_regions(db: None) -> None:
    """The whole master list: 38 provinces, 514 kabupaten/kota, 7,285 kecamatan, 83,762 desa."""
    shared_data.ensure("national_regions")


@pytest.fixture
def real_data() -> Path:
    """The directory of public test data named by DASHKEC_REAL_DATA, or a skip saying why."""
    value = os.environ.get("DASHKEC_REAL_DATA")
    if not value:
        pytest.skip("DASHKEC_REAL_DATA is not set: public test data (IDM, boundaries) unavailable")
    path = Path(value)
    if not path.is_dir():
        pytest.skip(f"DASHKEC_REAL_DATA={value} is not a directory")
    return path


@pytest.fixture
def catalogue(db: None) -> None:
    """The indicator catalogue of catalog/catalogue.yaml, loaded as `loadcatalog` does."""
    shared_data.ensure("catalogue")


@pytest.fixture
def sleman_sample_data(diy_regions: None) -> None:
    """`seeddemo` and `seeddemobudget` for Kabupaten Sleman, 2024–2025 (source "contoh"),
    region sizes current; with them the catalogue (seeddemo loads it)."""
    shared_data.ensure("sleman_sample_data")


@pytest.fixture
def sleman_planning_data(sleman_sample_data: None) -> None:
    """On top of `sleman_sample_data`: last year's values, APBDes lines of last year and this
    year, and `seeddemoplanning` (sample follow-ups, approvals, evaluations, proposals)."""
    shared_data.ensure("sleman_planning_data")
