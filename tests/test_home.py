from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Role
from datavalues.models import SAMPLE_SOURCE, How
from datavalues.writing import ValueInput, save_values
from tests.cast import Cast, cast_fixture  # noqa: F401

pytestmark = pytest.mark.usefixtures("catalogue")


def landing(client: Client) -> str:
    response = client.get("/")
    assert response.status_code == 302
    return str(response["Location"])


def sample_value(desa: str, source: str = SAMPLE_SOURCE) -> None:
    save_values(
        values=[ValueInput(desa, "BALITA_DIUKUR", "2025-08", 40)], how=How.FORM, source=source
    )


@pytest.mark.parametrize(
    ("role", "dashboard"),
    [
        (Role.KABUPATEN, "/kabupaten/34.04/"),
        (Role.VIEWER, "/kecamatan/34.04.02/"),
    ],
)
def test_a_user_with_one_region_lands_on_its_dashboard(
    cast: Cast, role: str, dashboard: str
) -> None:
    assert landing(cast.client(role)) == dashboard


@pytest.mark.parametrize(
    ("role", "dashboard"),
    [(Role.KECAMATAN, "/kecamatan/34.04.01/"), (Role.DESA, "/desa/34.04.01.2001/")],
)
def test_a_camat_or_desa_operator_starts_from_its_work_menu_with_the_dashboard_one_tap_away(
    cast: Cast, role: str, dashboard: str
) -> None:
    response = cast.client(role).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tugas saya" in html and f'class="button" href="{dashboard}"' in html


def test_a_national_newcomer_on_a_demo_lands_on_the_kecamatan_with_sample_data(
    cast: Cast,
) -> None:
    sample_value("34.04.02.2003")

    assert landing(cast.client(Role.ADMIN)) == "/kecamatan/34.04.02/"


def test_a_national_user_with_real_data_lands_on_the_national_dashboard(cast: Cast) -> None:
    sample_value("34.04.02.2003", source="Puskesmas")

    assert landing(cast.client(Role.ADMIN)) == "/nasional/"


def test_a_visitor_is_asked_to_sign_in(cast: Cast) -> None:
    assert landing(cast.client("anonymous")).startswith("/masuk/")
