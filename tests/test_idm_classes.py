"""IDM in full: the official five-class status is kept on import, counted per area, and
shown on the desa page as published (not recomputed from the score)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from analytics.idm import class_counts, official_class
from analytics.models import NATIONAL
from datavalues.models import DataValue
from tests.dashboard_fixtures import reader_fixture, text_of  # noqa: F401
from tests.intake_files import xlsx

HEADER = ["KODE_DESA", "NAMA_DESA", "IKS_2024", "IKE_2024", "IKL_2024", "NILAI_IDM_2024"]
ROWS = [
    # A score in the Maju band published as BERKEMBANG: the official class wins.
    ["3401012001", "JANGKARAN", 0.75, 0.75, 0.75, 0.75, "BERKEMBANG"],
    ["3401012002", "SINDUTAN", 0.85, 0.85, 0.85, 0.85, "MANDIRI"],
    ["3401012003", "PALIHAN", 0.80, 0.80, 0.80, 0.80, "MAJU"],
    ["3401022001", "GLAGAH", 0.55, 0.55, 0.55, 0.55, "TERTINGGAL"],
    ["3401022002", "PALIHAN2", 0.45, 0.45, 0.45, 0.45, "SANGAT TERTINGGAL"],
]


@pytest.fixture
def imported(diy_regions: None, catalogue: None, tmp_path: Path) -> None:
    path = tmp_path / "idm.xlsx"
    path.write_bytes(xlsx([[*HEADER, "STATUS_IDM_2024"], *ROWS]))
    out = StringIO()
    call_command("importidm", str(path), "--json", stdout=out)
    assert json.loads(out.getvalue())["unmatched"] == 0


@pytest.mark.usefixtures("imported")
def test_the_import_keeps_each_desas_published_class() -> None:
    stored = dict(
        DataValue.objects.filter(element__code="IDM_KELAS").values_list("region_id", "value")
    )
    assert stored == {
        "34.01.01.2001": 3.0,
        "34.01.01.2002": 5.0,
        "34.01.01.2003": 4.0,
        "34.01.02.2001": 2.0,
        "34.01.02.2002": 1.0,
    }
    assert official_class("34.01.01.2001", 2024) == "Berkembang"
    assert official_class("34.01.01.2001", 2023) is None


@pytest.mark.usefixtures("imported")
def test_class_counts_per_area_list_every_class() -> None:
    def counts(code: str) -> dict[str, int]:
        return {c.label: c.n for c in class_counts(code, 2024)}

    assert counts("34.01.01") == {
        "Mandiri": 1,
        "Maju": 1,
        "Berkembang": 1,
        "Tertinggal": 0,
        "Sangat Tertinggal": 0,
    }
    assert counts("34.01") == {
        "Mandiri": 1,
        "Maju": 1,
        "Berkembang": 1,
        "Tertinggal": 1,
        "Sangat Tertinggal": 1,
    }
    assert sum(counts(NATIONAL).values()) == 5
    assert class_counts("34.02", 2024) == []  # no desa with a status: nothing to show


@pytest.mark.usefixtures("imported")
def test_the_pages_show_the_official_class_and_the_counts(reader: Client) -> None:
    desa = text_of(reader.get("/desa/34.01.01.2001/?periode=2024").content.decode())
    assert "Status IDM: Berkembang (0,7500) · status resmi Kemendes" in desa
    area = reader.get("/kecamatan/34.01.01/?periode=2024&sektor=indeks_desa").content.decode()
    section = text_of(
        area[area.index('id="h-idm"') : area.index("</section>", area.index('id="h-idm"'))]
    )
    assert "1 Mandiri 1 Maju 1 Berkembang 0 Tertinggal 0 Sangat Tertinggal" in section
