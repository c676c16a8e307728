from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from planning.budget_sectors import sector_of
from planning.models import BudgetLine, FundSource, Stage
from tests.dashboard_fixtures import (  # noqa: F401
    known_fixture,
    reader_fixture,
    sleman_fixture,
    text_of,
)

URL = "/kecamatan/91.01.01/belanja/?periode=2025&sektor=kesehatan"


def line(desa: str, code: str, source: str, budget: int, realised: int | None = None, **kw):
    return BudgetLine.objects.create(
        desa_id=desa,
        year=kw.get("year", 2025),
        stage=kw.get("stage", Stage.FINAL),
        kegiatan_code=code,
        name=f"kegiatan {code}",
        fund_source=source,
        budget_rp=budget,
        realised_rp=realised,
        source="uji",
    )


@pytest.fixture
def budgets(known: None) -> None:
    # Alpha: Rp 1 M, 5 % on health, 3 % on Posyandu (nutrition), split DD/ADD.
    line("91.01.01.2001", "1.1.01", FundSource.ADD, 920_000_000, 900_000_000)
    line("91.01.01.2001", "2.2.01", FundSource.DD, 30_000_000, 30_000_000)
    line("91.01.01.2001", "2.2.01", FundSource.ADD, 20_000_000, 10_000_000)
    line("91.01.01.2001", "2.2.02", FundSource.DD, 30_000_000, 30_000_000)
    # Beta: Rp 2 M, the largest health gap, and nothing for health at all.
    line("91.01.01.2002", "2.3.01", FundSource.DD, 2_000_000_000, 1_500_000_000)
    # Gamma: Rp 1 M, 10 % on health although it meets its target.
    line("91.01.01.2003", "1.1.01", FundSource.ADD, 900_000_000)
    line("91.01.01.2003", "2.2.03", FundSource.PAD, 100_000_000)
    # Delta: only a draft.
    line("91.01.01.2004", "2.2.01", FundSource.DD, 10_000_000, stage=Stage.DRAFT)
    line("91.01.01.2004", "1.1.01", FundSource.DD, 90_000_000, stage=Stage.DRAFT)


def rows_of(html: str) -> dict[str, str]:
    table = html[html.index('id="h-tabel"') :]
    return {
        name: text_of(row)
        for name, row in re.findall(
            r'<tr[^>]*><td><a href="[^"]+">(\w+)</a>(.*?)</tr>', table, re.S
        )
    }


def test_kegiatan_codes_map_to_sectors_by_the_longest_prefix() -> None:
    assert sector_of("2.2.02") == "gizi"  # Posyandu, although 2.2 is health
    assert sector_of("2.2.01") == "kesehatan"
    assert sector_of("2.1.01") == "pendidikan"
    assert sector_of("2.4.06") == "air_sanitasi"
    assert sector_of("5.3.01") == "sosial"
    assert sector_of("1.3.01") == "adminduk"
    assert sector_of("2.3.01") is None  # roads: not a basic service
    assert sector_of("1.1.01") is None


@pytest.mark.usefixtures("budgets")
def test_each_desa_shows_its_sector_share_sources_and_gap(reader: Client) -> None:
    rows = rows_of(reader.get(URL).content.decode())
    assert rows["Alpha"].split()[:9] == [
        "Rp",
        "1,00",
        "M",
        "8,0%",
        "Rp",
        "50,0",
        "jt",
        "5,0%",
        "80%",
    ]
    assert "DD 60%, ADD 40%" in rows["Alpha"]
    assert rows["Alpha"].strip().endswith("10 kesenjangan kecil, belanja kecil")
    assert "Rp 0 0,0%" in rows["Beta"] and "150" in rows["Beta"]
    assert "(rancangan)" in rows["Delta"] and "10,0%" in rows["Delta"]


@pytest.mark.usefixtures("budgets")
def test_a_large_gap_without_allocation_is_flagged(reader: Client) -> None:
    html = reader.get(URL).content.decode()
    flags = text_of(html[html.index('id="h-flag"') : html.index('id="h-kuadran"')])
    assert "Beta — kesenjangan 150, 1 indikator tertinggal, anggaran Rp 0" in flags
    assert "Alpha" not in flags and "Gamma" not in flags
    assert "! kesenjangan besar, tanpa alokasi" in rows_of(html)["Beta"]
    assert re.search(r'<circle class="dot flagged"[^>]*><title>Beta</title>', html)


@pytest.mark.usefixtures("budgets")
def test_the_page_explains_the_measures(reader: Client) -> None:
    text = text_of(reader.get(URL).content.decode())
    assert "Porsi sektor = Σ anggaran kegiatan APBDes yang termasuk sektor ini" in text
    assert "Kesenjangan = orang tertinggal di sektor ini" in text
    assert "median desa sekecamatan" in text
    assert "DD = Dana Desa" in text and "ADD = Alokasi Dana Desa" in text


@pytest.mark.usefixtures("budgets")
def test_the_kecamatan_total_and_basic_service_share(reader: Client) -> None:
    text = text_of(reader.get(URL).content.decode())
    # Final budgets 1 M + 2 M + 1 M and Delta's draft 0,1 M; basic services 80 + 100 + 10 jt.
    assert "APBDes 2025 seluruh desa: Rp 4,10 M; porsi layanan dasar 4,6%." in text


@pytest.mark.usefixtures("known")
def test_without_budget_lines_the_page_says_so(reader: Client) -> None:
    html = reader.get(URL).content.decode()
    assert "Belum ada data APBDes 2025 untuk desa di kecamatan ini." in html
    assert "belum ada data APBDes" in html


@pytest.mark.usefixtures("known")
def test_the_natural_key_refuses_duplicate_lines(db: None) -> None:
    line("91.01.01.2001", "2.2.01", FundSource.DD, 1_000)
    with pytest.raises(IntegrityError):
        line("91.01.01.2001", "2.2.01", FundSource.DD, 2_000)


@pytest.mark.usefixtures("sleman")
def test_seeddemobudget_fills_desa_not_kelurahan_and_is_repeatable(reader: Client) -> None:
    from regions.models import Kind

    before = BudgetLine.objects.count()
    assert before > 0
    assert set(BudgetLine.objects.values_list("source", flat=True).distinct()) == {"contoh"}
    assert not BudgetLine.objects.filter(desa__kind=Kind.KELURAHAN).exists()
    call_command("seeddemobudget", "--years", "2024-2025", stdout=StringIO())
    assert BudgetLine.objects.count() == before
    with CaptureQueriesContext(connection) as queries:
        response = reader.get("/kecamatan/34.04.01/belanja/?periode=2025&sektor=gizi")
    assert response.status_code == 200
    assert len(queries) <= 16
    assert "Data contoh" in response.content.decode()
