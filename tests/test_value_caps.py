"""Absurd values: refused above a cap on every write path; roll-ups stay finite and exact."""

from __future__ import annotations

import json
import math
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from accounts.models import Role
from analytics.jsonout import dumps
from analytics.models import ElementRollup, IndicatorRollup
from analytics.rollups import rebuild_rollups
from catalog.loading import CatalogueError, parse_catalogue
from catalog.models import VALUE_CAPS, DataElement, ValueType
from datavalues.models import DataValue, How, ValueChange
from datavalues.writing import ValueInput, ValuesRejected, save_value_chunks, save_values
from tests.analytics_fixtures import assert_close_maps, brute_rollups, make_regions, stored_rollups
from tests.cast import Cast, cast_fixture  # noqa: F401

RUPIAH_CAP = 10**12
COUNT_CAP = 10**8


@pytest.fixture
def desa(catalogue: None) -> list[str]:
    return make_regions([[2, 1], [1]])


def test_the_caps_are_a_trillion_rupiah_and_a_hundred_million_of_a_count() -> None:
    assert VALUE_CAPS[ValueType.RUPIAH] == RUPIAH_CAP
    assert VALUE_CAPS[ValueType.COUNT] == COUNT_CAP


@pytest.mark.parametrize(
    ("element", "value"),
    [
        ("BUMIL_ANC", COUNT_CAP + 1),
        ("BUMIL_ANC", 1e308),
        ("BLT_REALISASI_RP", RUPIAH_CAP + 1),
        ("BLT_REALISASI_RP", 1e308),
    ],
)
def test_a_value_above_the_cap_of_its_type_is_refused_by_save_values_and_nothing_is_written(
    desa: list[str], element: str, value: float
) -> None:
    with pytest.raises(ValuesRejected) as info:
        save_values(values=[ValueInput(desa[0], element, "2025", value)], how=How.SAMPLE)
    assert "melebihi batas" in str(info.value) and "exceeds the maximum" in str(info.value)
    assert not DataValue.objects.exists() and not ElementRollup.objects.exists()


def test_the_message_shows_the_cap_as_people_write_it(desa: list[str]) -> None:
    with pytest.raises(ValuesRejected, match=r"1\.000\.000\.000\.000"):
        save_values(values=[ValueInput(desa[0], "BLT_REALISASI_RP", "2025", 2e12)], how="file")


def test_the_bulk_writer_refuses_a_value_above_the_cap_too(desa: list[str]) -> None:
    with pytest.raises(ValuesRejected, match="melebihi batas"):
        save_value_chunks(chunks=[[ValueInput(desa[0], "BUMIL_ANC", "2025", 1e9)]])
    assert not DataValue.objects.exists()


def test_an_elements_own_maximum_replaces_the_cap_of_its_type(desa: list[str]) -> None:
    DataElement.objects.filter(code="BUMIL_ANC").update(max_value=1e10)
    save_values(values=[ValueInput(desa[0], "BUMIL_ANC", "2025", 5e9)], how="form")
    assert DataValue.objects.get().value == 5e9
    DataElement.objects.filter(code="BUMIL_ANC").update(max_value=100)
    with pytest.raises(ValuesRejected, match="melebihi batas 100 "):
        save_values(values=[ValueInput(desa[0], "BUMIL_ANC", "2025", 101)], how="form")


@pytest.mark.parametrize("max_value", [0, -5, 1e16, "banyak", True])
def test_the_catalogue_refuses_a_maximum_that_is_not_a_plausible_number(max_value: Any) -> None:
    text = (Path(__file__).resolve().parent.parent / "catalog" / "catalogue.yaml").read_text()
    text = text.replace(
        "{code: BUMIL_ANC, sector: kesehatan,",
        f"{{code: BUMIL_ANC, sector: kesehatan, max_value: {json.dumps(max_value)},",
    )
    with pytest.raises(CatalogueError, match="BUMIL_ANC: max_value"):
        parse_catalogue(text)


def test_a_file_with_an_absurd_value_is_refused_with_an_error_not_a_warning(
    diy_regions: None, catalogue: None, tmp_path: Path
) -> None:
    path = tmp_path / "nilai.csv"
    path.write_text(
        "kode_wilayah,kode_data,periode,nilai\n"
        "34.04.01.2001,BUMIL_SASARAN,2024,120\n"
        "34.04.01.2001,BUMIL_ANC,2024,1e308\n"
    )
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("importvalues", str(path), "--json", "--accept-warnings", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["counts"]["galat"] == 1
    assert [(p["row"], p["column"]) for p in summary["problems"]] == [(3, "nilai")]
    assert "melebihi batas" in summary["problems"][0]["message"]
    assert not DataValue.objects.exists() and not ValueChange.objects.exists()


@pytest.fixture
def staff(cast: Cast, catalogue: None) -> Cast:
    return cast


@pytest.mark.parametrize("number", ["1e308", "1e309", "100000001"])
def test_the_api_refuses_an_absurd_value_with_400_and_writes_nothing(
    staff: Cast, number: str
) -> None:
    body = (
        '{"values": [{"kode_wilayah": "34.04.01.2001", "kode_data": "BUMIL_ANC", '
        f'"periode": "2024", "nilai": {number}}}]}}'
    )
    response = Client().post(
        "/api/v1/datavalues",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {staff.tokens[Role.KECAMATAN]}"},
    )
    assert response.status_code == 400
    assert "Infinity" not in response.content.decode()
    assert not DataValue.objects.exists()


def test_the_entry_form_refuses_an_absurd_value_inline_and_saves_nothing(staff: Cast) -> None:
    url = "/isi/34.04.01.2001/2024/?sektor=kesehatan"
    client = staff.client(Role.DESA)
    page = client.get(url).content.decode()
    token = dict(re.findall(r'name="((?:shown|token)_[A-Z0-9_]+)" value="([^"]*)"', page))
    response = client.post(url, token | {"v_BUMIL_SASARAN": "1000000000"})
    assert response.status_code == 200
    assert "melebihi batas" in response.content.decode()
    assert not DataValue.objects.exists()


def test_roll_ups_stay_exact_with_values_at_the_caps_and_after_correcting_them(
    desa: list[str],
) -> None:
    """Whole values at the cap in every desa, then corrected: every level equals the exact
    sum (no rounding left behind), on both databases."""
    at_cap = [
        ValueInput(code, element, "2025", cap)
        for code in desa
        for element, cap in (("BLT_REALISASI_RP", RUPIAH_CAP), ("BUMIL_SASARAN", COUNT_CAP))
    ]
    save_values(values=[*at_cap, ValueInput(desa[0], "BUMIL_ANC", "2025", COUNT_CAP)], how="file")
    total = ElementRollup.objects.get(region_code="ID", element__code="BLT_REALISASI_RP")
    assert total.total == 4 * RUPIAH_CAP
    save_values(
        values=[
            ValueInput(desa[0], "BLT_REALISASI_RP", "2025", 7),
            ValueInput(desa[1], "BLT_REALISASI_RP", "2025", RUPIAH_CAP - 1),
            ValueInput(desa[2], "BLT_REALISASI_RP", "2025", None),
            ValueInput(desa[0], "BUMIL_SASARAN", "2025", 3),
            ValueInput(desa[0], "BUMIL_ANC", "2025", 1),
        ],
        how="form",
    )
    rupiah = dict(
        ElementRollup.objects.filter(element__code="BLT_REALISASI_RP").values_list(
            "region_code", "total"
        )
    )
    assert rupiah == {
        "91.01.01": 7 + RUPIAH_CAP - 1,
        "91.01": 7 + RUPIAH_CAP - 1,
        "91.02.01": RUPIAH_CAP,
        "91.02": RUPIAH_CAP,
        "91": 7 + 2 * RUPIAH_CAP - 1,
        "ID": 7 + 2 * RUPIAH_CAP - 1,
    }
    k01 = IndicatorRollup.objects.get(region_code="91.01.01", indicator__code="K01")
    assert (k01.numerator, k01.denominator) == (1, 3)
    stored = {
        (v.region_id, v.element.code, v.period.code): v.value
        for v in DataValue.objects.select_related("element", "period")
    }
    elements, indicators = stored_rollups()
    expected_elements, expected_indicators = brute_rollups(stored)
    assert_close_maps(elements, expected_elements)
    assert_close_maps(indicators, expected_indicators)
    assert rebuild_rollups().total_corrected == 0


def test_a_fractional_average_stays_within_the_rebuild_tolerance_after_a_capped_value_goes(
    desa: list[str],
) -> None:
    months = [f"2025-{m:02d}" for m in (1, 2, 3)]
    save_values(
        values=[
            *(
                ValueInput(desa[0], "BALITA_DITIMBANG", p, v)
                for p, v in zip(months, (1, 1, 2), strict=True)
            ),
            *(ValueInput(desa[1], "BALITA_DITIMBANG", p, COUNT_CAP) for p in months),
        ],
        how="file",
    )
    save_values(values=[ValueInput(desa[1], "BALITA_DITIMBANG", p, 5) for p in months], how="file")
    assert rebuild_rollups().total_corrected == 0


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
def test_rebuildrollups_repairs_a_stored_measure_that_is_not_finite(
    desa: list[str], bad: float
) -> None:
    if math.isnan(bad) and connection.vendor == "sqlite":
        pytest.skip("SQLite stores NaN as NULL, which the NOT NULL column refuses")
    save_values(
        values=[
            ValueInput(desa[0], "BUMIL_ANC", "2025", 30),
            ValueInput(desa[0], "BUMIL_SASARAN", "2025", 40),
        ],
        how="file",
    )
    ElementRollup.objects.filter(region_code="91.01.01", element__code="BUMIL_ANC").update(
        total=bad
    )
    IndicatorRollup.objects.filter(region_code="91", indicator__code="K01").update(numerator=bad)
    out = StringIO()
    call_command("rebuildrollups", stdout=out)
    assert "selisih dikoreksi" in out.getvalue()
    assert ElementRollup.objects.get(region_code="91.01.01", element__code="BUMIL_ANC").total == 30
    assert IndicatorRollup.objects.get(region_code="91", indicator__code="K01").numerator == 30
    again = StringIO()
    call_command("rebuildrollups", stdout=again)
    assert "Tidak ada selisih" in again.getvalue()


def _strict_json(text: str) -> Any:
    def refuse(constant: str) -> Any:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_the_api_writes_null_for_a_corrupt_roll_up_instead_of_infinity(staff: Cast) -> None:
    save_values(
        values=[
            ValueInput("34.04.01.2001", "BUMIL_ANC", "2024", 30),
            ValueInput("34.04.01.2001", "BUMIL_SASARAN", "2024", 40),
        ],
        how="file",
    )
    IndicatorRollup.objects.filter(region_code="34.04.01", indicator__code="K01").update(
        numerator=math.inf
    )
    response = Client().get(
        "/api/v1/analytics?indicator=K01&region=34.04.01&period=2024",
        headers={"Authorization": f"Bearer {staff.tokens[Role.KECAMATAN]}"},
    )
    assert response.status_code == 200
    body = _strict_json(response.content.decode())
    assert body["numerator"] is None and body["value"] is None


def test_json_of_the_api_turns_every_non_finite_number_into_null() -> None:
    data = {"a": [1.5, math.inf, {"b": -math.inf, "c": (math.nan, 2)}], "d": "Infinity"}
    assert _strict_json(dumps(data)) == {
        "a": [1.5, None, {"b": None, "c": [None, 2]}],
        "d": "Infinity",
    }
