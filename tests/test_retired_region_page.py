"""The region page of a retired code says since which edition, and links the region(s)
carrying it today (the crosswalk), in the reader's language."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import Role
from regions.models import CodeChangeKind, Region, RegionCodeChange
from tests.cast import Cast, cast_fixture  # noqa: F401
from tests.test_retired_codes import EDITION, KECAMATAN, desa_of, retire


@pytest.fixture
def reader(cast: Cast) -> Client:
    return cast.client(Role.KABUPATEN)


def successor_of(old: str, new: str, kind: str = CodeChangeKind.RENAME) -> None:
    retire(old)
    RegionCodeChange.objects.create(
        old_code=old,
        old_name=Region.objects.get(code=old).name,
        region_id=new,
        kind=kind,
        edition=EDITION,
        source="Kepmendagri uji",
    )


def test_the_page_of_a_retired_desa_says_since_when_and_links_its_successor(
    reader: Client,
) -> None:
    old, new = desa_of(KECAMATAN)[-2:]
    successor_of(old, new)

    html = reader.get(f"/wilayah/{old}/").content.decode()

    assert f"Kode ini tidak berlaku sejak edisi {EDITION}; sekarang: " in html
    name = Region.objects.get(code=new).display_name
    assert f'<a href="/wilayah/{new}/"><span class="code">{new}</span> {name}</a>' in html


def test_the_retired_notice_reads_in_english_for_an_english_reader(reader: Client) -> None:
    old, new = desa_of(KECAMATAN)[-2:]
    successor_of(old, new)
    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = reader.get(f"/wilayah/{old}/").content.decode()

    assert f"This code is no longer valid since the edition {EDITION}; now: " in html
    assert f'href="/wilayah/{new}/"' in html


def test_a_retired_desa_without_a_successor_says_none_is_recorded(reader: Client) -> None:
    old = desa_of(KECAMATAN)[-1]
    retire(old)

    html = reader.get(f"/wilayah/{old}/").content.decode()

    assert f"Kode ini tidak berlaku sejak edisi {EDITION}; kode penggantinya tidak tercatat" in html
    kecamatan = reader.get(f"/wilayah/{KECAMATAN}/").content.decode()
    assert f"tidak berlaku sejak {EDITION}" in kecamatan  # still listed, marked
    n = len(desa_of(KECAMATAN)) - 1
    assert f"<strong>{n}</strong> desa/kelurahan" in kecamatan  # not counted


def test_a_current_desa_has_no_retired_notice(reader: Client) -> None:
    html = reader.get(f"/wilayah/{desa_of(KECAMATAN)[0]}/").content.decode()

    assert "tidak berlaku sejak" not in html


def test_the_dashboard_of_a_retired_desa_says_so_and_links_its_region_page(
    reader: Client,
) -> None:
    old = desa_of(KECAMATAN)[-1]
    retire(old)

    response = reader.get(f"/desa/{old}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f"Kode ini tidak berlaku sejak edisi {EDITION}; " in html
    assert f'<a href="/wilayah/{old}/">lihat kode penggantinya</a>' in html
