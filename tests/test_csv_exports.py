from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEvent
from catalog.models import Indicator
from planning.followups import create_follow_up
from regions.models import Region
from reports.tables import TABLES
from tests.planning_fixtures import (  # noqa: F401
    ALPHA,
    KECAMATAN,
    camat_fixture,
    client_for,
    planned_fixture,
)

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(1)"]


def rows(client: Client, table: str) -> list[list[str]]:
    response = client.get(f"/kecamatan/{KECAMATAN}/tabel/{table}.csv?periode=2024")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_table_downloads_with_indonesian_headers(camat: Client, table: str) -> None:
    header = rows(camat, table)[0]
    assert header and all(h for h in header)
    if table == "tindak-lanjut":
        assert header[4:7] == ["Masalah", "Penyebab", "Tindakan"]


def test_user_text_starting_with_a_formula_sign_is_neutralised(camat: Client) -> None:
    for text in DANGEROUS:
        create_follow_up(
            by="camat",
            desa=Region.objects.get(code=ALPHA),
            indicator=Indicator.objects.get(code="G01"),
            problem=text,
            action=text,
            owner="desa",
            due_date=timezone.localdate() + dt.timedelta(days=1),
        )
    Region.objects.filter(code=ALPHA).update(name="@Alpha")
    body = rows(camat, "tindak-lanjut")[1:]
    problems = {r[4] for r in body}
    assert problems == {"'" + t for t in DANGEROUS}
    assert {r[2] for r in body} == {"'@Alpha"}
    matrix = rows(camat, "matriks")
    assert matrix[1][1] == "'@Alpha"


def test_numbers_stay_numbers(camat: Client) -> None:
    table = rows(camat, "indikator")
    g01 = next(r for r in table if r[0] == "G01")
    assert float(g01[3]) == pytest.approx(75 / 400 * 100)  # (60 + 10 + 5) ÷ (200 + 100 + 100)


def test_an_unknown_table_is_404_and_exports_are_audited(camat: Client) -> None:
    assert camat.get(f"/kecamatan/{KECAMATAN}/tabel/rahasia.csv").status_code == 404
    rows(camat, "prioritas")
    event = AuditEvent.objects.get(action="export")
    assert (event.region_code, event.summary) == (KECAMATAN, "CSV prioritas 2024")


def test_outside_the_scope_is_404_and_not_audited(planned: None) -> None:
    Region.objects.create(code="91.01.02", level=3, kind="kecamatan", parent_id="91.01", name="X")
    other = client_for("lain", "kecamatan", "91.01.02")
    assert other.get(f"/kecamatan/{KECAMATAN}/tabel/matriks.csv").status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()
