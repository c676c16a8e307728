"""A value's history in the app, and clearing a wrongly reported value."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
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


def _long_csv(tmp_path: Any, rows: list[str]) -> Any:
    path = tmp_path / "koreksi.csv"
    path.write_text("kode_wilayah,kode_data,periode,nilai\n" + "\n".join(rows) + "\n")
    return path


def test_a_file_marker_hapus_clears_a_value_shown_as_a_deletion_in_the_plan(
    staff: Cast, tmp_path: Any
) -> None:
    from intake import importing
    from intake.parsing import open_table

    path = _long_csv(
        tmp_path,
        [
            f"{DESA},BUMIL_ANC,2024, hapus ",
            f"{DESA},BUMIL_SASARAN,2024,110",
            f"{DESA},BAYI_SASARAN,2024,HAPUS",  # nothing stored: unchanged
        ],
    )
    with path.open("rb") as stream:
        table = open_table(stream, size=path.stat().st_size)
        plan = importing.plan_values(table, by=staff.users[Role.DESA])
    fates = {f.row: f for f in plan.fates}
    assert fates[2].fate == importing.Fate.DELETED
    assert fates[2].changes == ["BUMIL_ANC 2024: 80 → dihapus"]
    assert (fates[3].fate, fates[4].fate) == (importing.Fate.CHANGED, importing.Fate.UNCHANGED)
    out = StringIO()
    call_command("importvalues", str(path), "--json", stdout=out)
    assert json.loads(out.getvalue())["counts"]["dihapus"] == 1
    assert not DataValue.objects.filter(region=DESA, element__code="BUMIL_ANC").exists()
    change = ValueChange.objects.filter(element__code="BUMIL_ANC", region=DESA).latest("id")
    assert (change.old_value, change.new_value, change.how) == (80, None, "file")
    assert AuditEvent.objects.filter(action=Action.IMPORT, summary__contains="1 dihapus").exists()
    assert rebuild_rollups().total_corrected == 0


def test_a_marker_in_a_period_outside_the_write_scope_is_refused(
    staff: Cast, tmp_path: Any
) -> None:
    from intake import importing
    from intake.parsing import open_table

    path = _long_csv(tmp_path, ["34.04.01.2002,BUMIL_ANC,2024,HAPUS"])
    with path.open("rb") as stream:
        table = open_table(stream, size=path.stat().st_size)
        plan = importing.plan_values(table, by=staff.users[Role.DESA])
    assert plan.errors and plan.fates[0].fate == importing.Fate.ERROR


def _api(cast: Cast, role: str, values: list[dict[str, Any]]) -> Any:
    return Client().post(
        "/api/v1/datavalues",
        json.dumps({"values": values}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {cast.tokens[role]}"},
    )


def test_the_api_clears_a_value_only_with_an_explicit_hapus(staff: Cast) -> None:
    key = {"kode_wilayah": DESA, "kode_data": "BUMIL_ANC", "periode": "2024"}
    refused = _api(staff, Role.KECAMATAN, [key | {"nilai": None}])
    assert refused.status_code == 400
    assert "nilai kosong" in refused.content.decode()
    both = _api(staff, Role.KECAMATAN, [key | {"nilai": 3, "hapus": True}])
    assert both.status_code == 400
    assert DataValue.objects.filter(region=DESA, element__code="BUMIL_ANC").exists()

    response = _api(staff, Role.KECAMATAN, [key | {"hapus": True}])
    assert response.status_code == 200, response.content
    assert response.json()["items"][0]["status"] == "dihapus"
    assert not DataValue.objects.filter(region=DESA, element__code="BUMIL_ANC").exists()
    change = ValueChange.objects.filter(element__code="BUMIL_ANC", region=DESA).latest("id")
    assert (change.new_value, change.how) == (None, "api")
    edit = AuditEvent.objects.get(action=Action.EDIT)
    assert edit.region_code == DESA and "1 nilai dikosongkan" in edit.summary
    assert rebuild_rollups().total_corrected == 0


def test_an_uploaded_marker_is_previewed_as_a_deletion_then_cleared_with_its_upload(
    staff: Cast,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from intake.models import Upload

    client = staff.client(Role.KECAMATAN)
    content = f"kode_wilayah,kode_data,periode,nilai\n{DESA},BUMIL_ANC,2024,HAPUS\n".encode()
    response = client.post("/impor/", {"file": SimpleUploadedFile("koreksi.csv", content)})
    assert response.status_code == 302
    upload = Upload.objects.latest("id")
    page = client.get(f"/impor/{upload.pk}/").content.decode()
    assert "fate-dihapus" in page and "80 → dihapus" in page
    assert DataValue.objects.filter(region=DESA, element__code="BUMIL_ANC").exists()
    assert client.post(f"/impor/{upload.pk}/konfirmasi/").status_code == 302
    assert not DataValue.objects.filter(region=DESA, element__code="BUMIL_ANC").exists()
    history = client.get(f"/riwayat/{DESA}/BUMIL_ANC/").content.decode()
    assert "koreksi.csv" in history and "dikosongkan" in history


def test_the_desa_dashboard_links_each_indicator_to_its_history(staff: Cast) -> None:
    page = staff.client(Role.DESA).get(f"/desa/{DESA}/?periode=2024").content.decode()
    assert f"/riwayat/{DESA}/K01/?periode=2024" in page
