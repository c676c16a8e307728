"""GET /api/v1/analytics, /api/v1/indicators and /api/v1/dataelements: JSON shape and scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts import assigning
from accounts.models import ApiToken
from datavalues.writing import ValueInput, save_values
from tests.analytics_fixtures import make_regions


def _token(
    username: str, role: str | None, region: str | None, sectors: list[str] | None = None
) -> str:
    user = User.objects.create_user(username)
    if role is not None:
        assigning.grant(by=None, user=user, role=role, region_code=region, sectors=sectors)
    return ApiToken.issue(user=user, name="uji", days=1)[1]


@pytest.fixture
def api(catalogue) -> dict[str, Any]:
    desa = make_regions([[2, 1]])
    save_values(
        values=[
            ValueInput(desa[0], "BUMIL_ANC", "2025", 31),
            ValueInput(desa[0], "BUMIL_SASARAN", "2025", 40),
            ValueInput(desa[1], "BUMIL_SASARAN", "2025", 25),
            ValueInput(desa[2], "BUMIL_ANC", "2025", 9),
            ValueInput(desa[2], "BUMIL_SASARAN", "2025", 10),
        ],
        how="api",
    )
    return {
        "desa": desa,
        "admin": _token("nasional", "admin", None),
        "camat": _token("camat", "kecamatan", "91.01.01"),
        "gizi_only": _token("camat-gizi", "kecamatan", "91.01.01", ["gizi"]),
    }


def get(token: str, path: str, language: str = "") -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    if language:
        headers["Accept-Language"] = language
    return Client().get(path, headers=headers)


def test_it_returns_the_figure_of_one_region_with_numbers_not_strings(api):
    response = get(api["camat"], "/api/v1/analytics?indicator=K01&region=91.01.01&period=2025")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "region": {"code": "91.01.01", "name": "Kec 91.01.01", "level": 3},
        "indicator": "K01",
        "period": "2025",
        "value": pytest.approx(77.5),
        "numerator": 31.0,
        "denominator": 40.0,
        "unit": "%",
        "reason": None,
        "coverage": {"reporting": 1, "expected": 2},
        "status": "perlu percepatan",
        "status_reason": None,
        "target": {
            "value": 100.0,
            "legal_basis": "PP 2/2018; Permenkes 6/2024 (SPM kesehatan)",
            "level": "nasional",
            "region_code": None,
            "label": "Target nasional (sejak 2019)",
            "valid_from": 2019,
            "valid_to": None,
            "verified": True,
        },
        "rank": 2,
        "rank_of": 2,
        "previous_value": None,
        "change": None,
    }


def test_level_children_returns_one_figure_per_child_with_nulls_and_reasons(api):
    response = get(
        api["camat"], "/api/v1/analytics?indicator=K01&region=91.01.01&period=2025&level=children"
    )
    rows = response.json()
    assert [r["region"]["code"] for r in rows] == api["desa"][:2]
    first, second = rows
    assert (first["value"], first["rank"], first["status"]) == (77.5, 1, "perlu percepatan")
    assert second["value"] is None and second["numerator"] is None
    assert second["reason"].startswith("tidak ada desa yang melapor")
    assert second["status"] == "tidak ada data" and second["coverage"] == {
        "reporting": 0,
        "expected": 1,
    }


def test_the_national_view_lists_provinces_for_a_national_user_only(api):
    path = "/api/v1/analytics?indicator=K01&region=ID&period=2025&level=children"
    rows = get(api["admin"], path).json()
    assert [(r["region"]["code"], r["numerator"], r["denominator"]) for r in rows] == [
        ("91", 40.0, 50.0)
    ]
    national = get(api["admin"], "/api/v1/analytics?indicator=K01&period=2025").json()
    assert national["region"] == {"code": "ID", "name": "Indonesia", "level": 0}
    assert national["value"] == 80 and national["coverage"] == {"reporting": 2, "expected": 3}
    assert get(api["camat"], path).status_code == 404


def test_a_region_outside_the_scope_is_404_without_its_data(api):
    response = get(api["camat"], "/api/v1/analytics?indicator=K01&region=91.01.02&period=2025")
    assert response.status_code == 404 and b"91.01.02" not in response.content


def test_a_sector_limited_user_does_not_see_other_sectors(api):
    path = "/api/v1/analytics?indicator=K01&region=91.01.01&period=2025"
    assert get(api["gizi_only"], path).status_code == 404
    assert get(api["gizi_only"], path.replace("K01", "G01")).status_code == 200


@pytest.mark.parametrize(
    ("query", "indonesian", "english"),
    [
        ("indicator=K01&region=91.01.01&period=2025Q9", "tidak dikenali", "does not parse"),
        ("indicator=NOPE&region=91.01.01&period=2025", "tidak dikenal", "Unknown indicator"),
        (
            "indicator=K01&region=91.01.01&period=2025&level=grandchildren",
            "hanya 'children'",
            "only level=children",
        ),
    ],
)
def test_bad_parameters_are_400_with_a_reason_in_the_requests_language(
    api, query, indonesian, english
):
    response = get(api["camat"], f"/api/v1/analytics?{query}")
    detail = response.json()["detail"]
    assert response.status_code == 400 and indonesian in detail and english not in detail
    response = get(api["camat"], f"/api/v1/analytics?{query}", language="en")
    detail = response.json()["detail"]
    assert response.status_code == 400 and english in detail and indonesian not in detail


def test_missing_parameters_are_a_client_error_not_a_crash(api):
    assert get(api["camat"], "/api/v1/analytics?region=91.01.01").status_code in (400, 422)


def test_without_a_token_the_api_answers_401(api):
    response = Client().get("/api/v1/analytics?indicator=K01&region=91.01.01&period=2025")
    assert response.status_code == 401


def test_indicators_list_says_what_each_figure_means(api):
    rows = get(api["camat"], "/api/v1/indicators").json()
    assert len(rows) >= 45
    k01 = next(r for r in rows if r["code"] == "K01")
    assert k01 == {
        "code": "K01",
        "name_id": "Pelayanan kesehatan ibu hamil sesuai standar",
        "name_en": "Pregnant women with standard antenatal care",
        "sector": "kesehatan",
        "numerator": "BUMIL_ANC",
        "denominator": "BUMIL_SASARAN",
        "factor": 100.0,
        "unit": "%",
        "direction": "higher",
        "period_type": "year",
        "decimals": 1,
        "on_track_band": 10.0,
        "description": k01["description"],
        "description_en": k01["description_en"],
        "targets": [
            {
                "value": 100.0,
                "legal_basis": "PP 2/2018; Permenkes 6/2024 (SPM kesehatan)",
                "valid_from": 2019,
                "valid_to": None,
                "verified": True,
                "source_url": "https://meridianhukum.com/peraturan/permenkes-no-6-tahun-2024",
            }
        ],
        "no_target_reason": "",
        "time_rule": "level",
        "reporters": "both",
        "is_local": False,
    }
    assert {r["sector"] for r in rows} >= {
        "kesehatan",
        "gizi",
        "pendidikan",
        "air_sanitasi",
        "sosial",
        "adminduk",
    }


def test_data_elements_list_gives_the_aggregation_rule_and_period_type(api):
    rows = get(api["camat"], "/api/v1/dataelements?sector=gizi").json()
    stunting = next(r for r in rows if r["code"] == "BALITA_STUNTING")
    assert (stunting["aggregation"], stunting["period_type"], stunting["value_type"]) == (
        "last",
        "month",
        "count",
    )
    assert all(r["sector"] == "gizi" for r in rows)


def test_a_repeated_request_reads_the_catalogue_from_memory_in_a_bounded_number_of_queries(api):
    path = "/api/v1/analytics?indicator=K01&region=91.01.01&period=2025&level=children"
    assert get(api["camat"], path).status_code == 200  # reads the catalogue once
    with CaptureQueriesContext(connection) as queries:
        response = get(api["camat"], path)
    assert response.status_code == 200
    assert len(response.json()) == 2
    sql = " ".join(q["sql"].lower() for q in queries.captured_queries)
    assert "catalog_indicator" not in sql and "catalog_dataelement" not in sql
    assert len(queries.captured_queries) <= 7
