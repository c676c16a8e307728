from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from accounts.models import AuditEvent
from catalog.models import Indicator
from datavalues.models import DataValue
from planning.followups import FollowUp, create_follow_up
from regions.models import Region
from tests.planning_fixtures import (  # noqa: F401
    ALPHA,
    KECAMATAN,
    camat_fixture,
    client_for,
    planned_fixture,
)

URL = f"/kecamatan/{KECAMATAN}/laporan.xlsx?periode=2024"


def workbook(client: Client) -> Workbook:
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'laporan-{KECAMATAN}-2024.xlsx"')
    return load_workbook(io.BytesIO(response.content))


def by_code(sheet: Worksheet) -> dict[str, list[object]]:
    values = list(sheet.iter_rows(values_only=True))
    return {str(row[0]): list(row) for row in values[1:]}


def test_one_sheet_per_section_with_indonesian_headers(camat: Client) -> None:
    book = workbook(camat)
    assert book.sheetnames == [
        "Keterangan",
        "Ringkasan sektor",
        "Indikator kecamatan",
        "Matriks desa (nilai)",
        "Matriks desa (status)",
        "Desa prioritas",
        "APBDes dan temuan",
        "Tindak lanjut",
        "Usulan Musrenbang",
        "Data mentah",
    ]
    assert book["Indikator kecamatan"]["D1"].value == "Nilai"


@pytest.mark.parametrize("indicator", ["G01", "K01"])
def test_the_cells_hold_the_same_numbers_as_the_api(camat: Client, indicator: str) -> None:
    api = camat.get(f"/api/v1/analytics?indicator={indicator}&period=2024&region={KECAMATAN}")
    figure = api.json()
    row = by_code(workbook(camat)["Indikator kecamatan"])[indicator]
    assert row[3] == figure["value"]
    assert (row[5], row[6]) == (figure["numerator"], figure["denominator"])
    assert row[7] == figure["target"]["value"]
    assert (row[9], row[10]) == (figure["coverage"]["reporting"], figure["coverage"]["expected"])
    assert isinstance(row[3], float)


def test_desa_values_match_the_api_per_child(camat: Client) -> None:
    children = camat.get(
        f"/api/v1/analytics?indicator=G01&period=2024&region={KECAMATAN}&level=children"
    ).json()
    matrix = by_code(workbook(camat)["Matriks desa (nilai)"])
    column = next(iter(workbook(camat)["Matriks desa (nilai)"].iter_rows(values_only=True))).index(
        "G01"
    )
    for item in children:
        assert matrix[item["region"]["code"]][column] == item["value"]


def test_raw_values_carry_their_source(camat: Client) -> None:
    raw = list(workbook(camat)["Data mentah"].iter_rows(values_only=True))
    assert raw[0] == (
        "Kode desa",
        "Desa",
        "Kode elemen data",
        "Elemen data",
        "Periode",
        "Nilai",
        "Sumber",
    )
    assert (
        ALPHA,
        "Alpha",
        "BALITA_STUNTING",
        "Balita stunting (TB/U < −2 SD)",
        "2024-08",
        60,
        "uji",
    ) in raw


def test_formula_text_is_neutralised_and_never_a_formula(camat: Client) -> None:
    Region.objects.filter(code=ALPHA).update(name="=1+1")
    create_follow_up(
        by="camat",
        desa=Region.objects.get(code=ALPHA),
        indicator=Indicator.objects.get(code="G01"),
        problem="-2+3",
        cause="@SUM(1)",
        action="+1",
        owner="desa",
        due_date=timezone.localdate() + dt.timedelta(days=1),
    )
    book = workbook(camat)
    row = next(iter(book["Tindak lanjut"].iter_rows(min_row=2, values_only=True)))
    assert row[2:7] == ("'=1+1", "G01", "'-2+3", "'@SUM(1)", "'+1")
    for sheet in book:
        for cells in sheet.iter_rows():
            assert all(c.data_type != "f" for c in cells)


def test_control_characters_stored_before_input_was_cleaned_do_not_break_the_workbook(
    camat: Client,
) -> None:
    """Text saved before input was normalised: Word's manual line break and \x01."""
    item = create_follow_up(
        by="camat",
        desa=Region.objects.get(code=ALPHA),
        indicator=Indicator.objects.get(code="G01"),
        problem="Stunting",
        action="PMT",
        owner="desa",
        due_date=timezone.localdate() + dt.timedelta(days=1),
    )
    FollowUp.objects.filter(pk=item.pk).update(problem="baris satu\vbaris dua\x01")
    DataValue.objects.update(source="uji\x01\x1f")

    book = workbook(camat)

    row = next(iter(book["Tindak lanjut"].iter_rows(min_row=2, values_only=True)))
    assert row[4] == "baris satu\nbaris dua"
    raw = list(book["Data mentah"].iter_rows(min_row=2, values_only=True))
    assert raw and {r[6] for r in raw} == {"uji"}


def test_exports_are_audited_and_outside_the_scope_is_404(camat: Client) -> None:
    workbook(camat)
    assert AuditEvent.objects.filter(action="export", summary="laporan XLSX 2024").count() == 1
    Region.objects.create(code="91.01.02", level=3, kind="kecamatan", parent_id="91.01", name="X")
    other = client_for("lain", "kecamatan", "91.01.02")
    assert other.get(URL).status_code == 404
    assert AuditEvent.objects.filter(action="export").count() == 1
