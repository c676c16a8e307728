"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from regions.loading import load_regions


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings: Any) -> None:
    """Tests run with DEBUG off but without `collectstatic`: serve names unhashed."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _cache_per_test(settings: Any) -> None:
    """Job progress goes through the cache: each test gets an empty one of its own (the
    worker runs inside the test process), not the file cache shared by runs in parallel."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def diy_regions(db: None) -> None:
    """DI Yogyakarta (province 34): 5 kabupaten/kota, 78 kecamatan, 438 desa/kelurahan."""
    load_regions(provinces=["34"])


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
    from catalog.loading import load_catalogue

    load_catalogue()
