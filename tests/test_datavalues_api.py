"""`POST /api/v1/datavalues`: scoped, validated like a file, all-or-nothing, per-item results."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from accounts.models import Role
from datavalues.models import DataValue, ValueChange
from datavalues.writing import ValueInput, save_values
from tests.cast import Cast, cast_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(cast: Cast, catalogue: None) -> Cast:
    return cast


def post(cast: Cast, role: str, body: dict[str, Any]) -> Any:
    return Client().post(
        "/api/v1/datavalues",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {cast.tokens[role]}"},
    )


def item(region: str, element: str, period: str, value: float) -> dict[str, Any]:
    return {"kode_wilayah": region, "kode_data": element, "periode": period, "nilai": value}


def test_values_are_saved_with_a_result_per_item_and_api_history(staff: Cast) -> None:
    save_values(values=[ValueInput("34.04.01.2002", "BUMIL_SASARAN", "2024", 70)], how="form")
    response = post(
        staff,
        Role.KECAMATAN,
        {
            "values": [
                item("34.04.01.2001", "BUMIL_SASARAN", "2024", 120),
                item("34.04.01.2002", "BUMIL_SASARAN", "2024", 80),
                item("34.04.01.2003", "BUMIL_ANC", "2024", 0),
            ]
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["saved"] is True
    assert [i["status"] for i in body["items"]] == ["baru", "berubah", "baru"]
    assert "70 → 80" in body["items"][1]["messages"][0]
    assert (
        ValueChange.objects.filter(how="api", changed_by=staff.users[Role.KECAMATAN]).count() == 3
    )


def test_one_bad_item_saves_nothing_and_is_named(staff: Cast) -> None:
    response = post(
        staff,
        Role.KECAMATAN,
        {
            "values": [
                item("34.04.01.2001", "BUMIL_SASARAN", "2024", 120),
                item("34.04.01.2001", "BUMIL_ANC", "2024", -1),
            ]
        },
    )
    assert response.status_code == 400
    items = response.json()["items"]
    assert items[0]["status"] == "baru" and items[1]["status"] == "galat"
    assert "negatif" in items[1]["messages"][0]
    assert DataValue.objects.count() == 0


def test_a_code_holding_a_nul_character_is_an_unknown_desa_not_a_server_error(
    staff: Cast,
) -> None:
    # PostgreSQL cannot compare text holding NUL; the item must fail like any unknown code.
    response = post(
        staff, Role.KECAMATAN, {"values": [item("34.04.01.20\x001", "BUMIL_ANC", "2024", 1)]}
    )
    assert response.status_code == 400, response.content
    [result] = response.json()["items"]
    assert (
        result["status"] == "galat"
        and "bukan kode desa/kelurahan yang dikenal" in result["messages"][0]
    )
    assert DataValue.objects.count() == 0


def test_a_numerator_above_its_denominator_is_refused(staff: Cast) -> None:
    response = post(
        staff,
        Role.KECAMATAN,
        {
            "values": [
                item("34.04.01.2001", "BUMIL_SASARAN", "2024", 10),
                item("34.04.01.2001", "BUMIL_ANC", "2024", 12),
            ]
        },
    )
    assert response.status_code == 400
    assert "melebihi BUMIL_SASARAN" in response.json()["items"][1]["messages"][0]
    assert DataValue.objects.count() == 0


def test_a_desa_operator_posting_another_desa_gets_404_and_nothing_is_written(
    staff: Cast,
) -> None:
    response = post(
        staff,
        Role.DESA,
        {
            "values": [
                item("34.04.01.2001", "BUMIL_SASARAN", "2024", 1),
                item("34.04.01.2002", "BUMIL_SASARAN", "2024", 1),
            ]
        },
    )
    assert response.status_code == 404
    assert DataValue.objects.count() == 0


def test_a_viewer_cannot_write_even_inside_its_scope(staff: Cast) -> None:
    response = post(
        staff, Role.VIEWER, {"values": [item("34.04.02.2001", "BUMIL_SASARAN", "2024", 1)]}
    )
    assert response.status_code == 404


def test_an_empty_or_oversized_batch_is_refused_with_400(staff: Cast) -> None:
    assert post(staff, Role.KECAMATAN, {"values": []}).status_code == 400
    many = [item("34.04.01.2001", "BUMIL_SASARAN", "2024", 1)] * 1001
    assert post(staff, Role.KECAMATAN, {"values": many}).status_code == 400


def test_control_characters_in_the_source_are_normalised_on_the_way_in(staff: Cast) -> None:
    sent = item("34.04.01.2001", "BUMIL_SASARAN", "2024", 12) | {"sumber": "Puskesmas\vII\x01"}

    response = post(staff, Role.KECAMATAN, {"values": [sent]})

    assert response.status_code == 200, response.content
    assert DataValue.objects.get().source == "Puskesmas II"
