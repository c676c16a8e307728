"""A value's history in the app, and clearing a wrongly reported value."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts.models import Action, AuditEvent, Role
from analytics.models import ElementRollup
from analytics.rollups import rebuild_rollups
from datavalues.models import DataValue, ValueChange
from datavalues.writing import ValueInput, save_values
from tests.cast import Cast, cast_fixture  # noqa: F401
from tests.test_entry_form import form_of

pytestmark = pytest.mark.django_db
DESA = "34.04.01.2001"
URL = f"/isi/{DESA}/2024/?sektor=kesehatan"


@pytest.fixture
def staff(cast: Cast, catalogue: None) -> Cast:
    save_values(
        values=[
            ValueInput(DESA, "BUMIL_SASARAN", "2024", 100),
            ValueInput(DESA, "BUMIL_ANC", "2024", 80, "Puskesmas"),
            ValueInput("34.04.01.2002", "BUMIL_ANC", "2024", 50),
        ],
        how="form",
    )
    return cast


def test_clearing_a_value_in_the_form_deletes_it_with_history_audit_and_fresh_roll_ups(
    staff: Cast,
) -> None:
    client = staff.client(Role.DESA)
    page = client.get(URL).content.decode()
    assert 'name="clear_BUMIL_ANC"' in page and f"/riwayat/{DESA}/BUMIL_ANC/" in page
    response = client.post(URL, form_of(page) | {"clear_BUMIL_ANC": "1"})
    assert response.status_code == 302
    assert not DataValue.objects.filter(region=DESA, element__code="BUMIL_ANC").exists()
    assert DataValue.objects.filter(region=DESA, element__code="BUMIL_SASARAN").exists()
    change = ValueChange.objects.filter(element__code="BUMIL_ANC", region=DESA).latest("id")
    assert (change.old_value, change.new_value, change.how) == (80, None, "form")
    assert change.changed_by == staff.users[Role.DESA]
    edit = AuditEvent.objects.get(action=Action.EDIT)
    assert "1 dikosongkan" in edit.summary and edit.region_code == DESA
    # The roll-ups were updated in the same write: a rebuild finds nothing to correct.
    kecamatan = ElementRollup.objects.get(
        region_code="34.04.01", element__code="BUMIL_ANC", period__code="2024"
    )
    assert (kecamatan.total, kecamatan.reporting) == (50, 1)
    assert rebuild_rollups().total_corrected == 0


def test_an_emptied_field_without_the_clear_box_deletes_nothing(staff: Cast) -> None:
    client = staff.client(Role.DESA)
    data = form_of(client.get(URL).content.decode()) | {"v_BUMIL_ANC": ""}
    page = client.post(URL, data).content.decode()
    assert "nilai kosong" in page
    assert DataValue.objects.filter(region=DESA, element__code="BUMIL_ANC").exists()


def test_the_history_page_shows_old_new_who_how_and_source_including_a_clearing(
    staff: Cast,
) -> None:
    save_values(values=[ValueInput(DESA, "BUMIL_ANC", "2024", None)], how="api")
    for role in (Role.DESA, Role.KECAMATAN, Role.KABUPATEN):
        page = staff.client(role).get(f"/riwayat/{DESA}/BUMIL_ANC/?periode=2024").content
        text = page.decode()
        assert "Puskesmas" in text and "formulir" in text and "API" in text
        assert "80 → <strong>dikosongkan</strong>" in text


def test_an_indicator_code_shows_the_history_of_its_elements(staff: Cast) -> None:
    page = staff.client(Role.DESA).get(f"/riwayat/{DESA}/K01/").content.decode()
    assert 'id="h-BUMIL_ANC"' in page and 'id="h-BUMIL_SASARAN"' in page


def test_the_history_is_not_found_outside_the_scope_or_for_an_unknown_code(staff: Cast) -> None:
    desa = staff.client(Role.DESA)
    assert desa.get("/riwayat/34.04.01.2002/BUMIL_ANC/").status_code == 404
    assert desa.get(f"/riwayat/{DESA}/TIDAK_ADA/").status_code == 404
    assert desa.get(f"/riwayat/{DESA}/BUMIL_ANC/?periode=xx").status_code == 404
    assert staff.client(Role.VIEWER).get(f"/riwayat/{DESA}/BUMIL_ANC/").status_code == 404


def test_a_sector_limited_role_sees_only_the_history_of_its_sectors(staff: Cast) -> None:
    from accounts import assigning

    user = User.objects.create_user("gizi-saja")
    assigning.grant(
        by=None, user=user, role=Role.KECAMATAN, region_code="34.04.01", sectors=["gizi"]
    )
    client = Client()
    client.force_login(user)
    assert client.get(f"/riwayat/{DESA}/BUMIL_ANC/").status_code == 404
    assert client.get(f"/riwayat/{DESA}/BALITA_STUNTING/").status_code == 200
    kecamatan = staff.client(Role.KECAMATAN)
    assert kecamatan.get(f"/riwayat/{DESA}/BUMIL_ANC/").status_code == 200
