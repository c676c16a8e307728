"""The data-entry form: previous period shown, same validation, no lost update."""

from __future__ import annotations

import re

import pytest

from accounts.models import Action, AuditEvent, Role
from datavalues.models import DataValue, ValueChange
from datavalues.writing import ValueInput, save_values
from tests.cast import Cast, cast_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
DESA = "34.04.01.2001"
URL = f"/isi/{DESA}/2024/?sektor=kesehatan"


@pytest.fixture
def staff(cast: Cast, catalogue: None) -> Cast:
    return cast


def form_of(page: str) -> dict[str, str]:
    """The form's fields as a browser would post them back."""
    fields = dict(re.findall(r'name="((?:v|shown|token)_[A-Z0-9_]+)" value="([^"]*)"', page))
    for name in re.findall(r'name="(v_[A-Z0-9_]+)"', page):
        fields.setdefault(name, "")
    return fields


def test_the_form_shows_the_previous_period_and_saves_with_form_history(staff: Cast) -> None:
    save_values(values=[ValueInput(DESA, "BUMIL_SASARAN", "2023", 95)], how="form")
    client = staff.client(Role.DESA)
    page = client.get(URL).content.decode()
    assert "95" in page and 'name="v_BUMIL_SASARAN"' in page
    data = form_of(page) | {"v_BUMIL_SASARAN": "100", "v_BUMIL_ANC": "80"}
    response = client.post(URL, data)
    assert response.status_code == 302
    assert DataValue.objects.get(period__code="2024", element__code="BUMIL_ANC").value == 80
    assert ValueChange.objects.filter(how="form", changed_by=staff.users[Role.DESA]).count() == 2
    edit = AuditEvent.objects.get(action=Action.EDIT)
    assert (edit.username, edit.region_code) == ("desa", DESA)


def test_invalid_input_is_shown_inline_and_nothing_is_saved(staff: Cast) -> None:
    client = staff.client(Role.DESA)
    data = form_of(client.get(URL).content.decode()) | {
        "v_BUMIL_SASARAN": "10",
        "v_BUMIL_ANC": "12",  # more than the sasaran
    }
    page = client.post(URL, data).content.decode()
    assert "melebihi BUMIL_SASARAN" in page
    assert not DataValue.objects.exists()


def test_a_second_editor_is_told_instead_of_overwriting_the_first(staff: Cast) -> None:
    save_values(values=[ValueInput(DESA, "BUMIL_SASARAN", "2024", 100)], how="form")
    first, second = staff.client(Role.DESA), staff.client(Role.KECAMATAN)
    form_first = form_of(first.get(URL).content.decode())
    form_second = form_of(second.get(URL).content.decode())
    assert first.post(URL, form_first | {"v_BUMIL_SASARAN": "110"}).status_code == 302
    page = second.post(URL, form_second | {"v_BUMIL_SASARAN": "120"}).content.decode()
    assert "diubah orang lain" in page and "kini 110" in page
    assert DataValue.objects.get(element__code="BUMIL_SASARAN").value == 110
    # Reloading shows the new value; saving again then works.
    fresh = form_of(second.get(URL).content.decode())
    assert fresh["v_BUMIL_SASARAN"] == "110"
    assert second.post(URL, fresh | {"v_BUMIL_SASARAN": "120"}).status_code == 302
    assert DataValue.objects.get(element__code="BUMIL_SASARAN").value == 120


def test_an_untouched_field_changed_by_someone_else_is_not_written_back(staff: Cast) -> None:
    save_values(values=[ValueInput(DESA, "BUMIL_SASARAN", "2024", 100)], how="form")
    client = staff.client(Role.DESA)
    stale = form_of(client.get(URL).content.decode())
    save_values(values=[ValueInput(DESA, "BUMIL_SASARAN", "2024", 105)], how="form")
    assert client.post(URL, stale | {"v_BUMIL_ANC": "50"}).status_code == 302
    assert DataValue.objects.get(element__code="BUMIL_SASARAN").value == 105


def test_a_viewer_gets_no_form(staff: Cast) -> None:
    assert staff.client(Role.VIEWER).get("/isi/34.04.02.2001/2024/").status_code == 404


def test_a_value_far_from_the_neighbouring_desa_is_a_warning_to_confirm(staff: Cast) -> None:
    # Kecamatan Wates: five desa at 80–100 % antenatal care; the sixth types 20 of 100.
    neighbours = [f"34.01.02.200{i}" for i in range(1, 6)]
    save_values(
        values=[ValueInput(d, "BUMIL_SASARAN", "2024", 100) for d in [*neighbours, "34.01.02.2006"]]
        + [
            ValueInput(d, "BUMIL_ANC", "2024", v)
            for d, v in zip(neighbours, [80, 85, 90, 95, 100], strict=True)
        ],
        how="form",
    )
    url = "/isi/34.01.02.2006/2024/?sektor=kesehatan"
    client = staff.client(Role.ADMIN)
    data = form_of(client.get(url).content.decode()) | {"v_BUMIL_ANC": "20"}
    page = client.post(url, data).content.decode()
    assert "dibanding desa tetangga (median 0.9" in page
    assert not DataValue.objects.filter(region_id="34.01.02.2006", element__code="BUMIL_ANC")
    assert client.post(url, data | {"accept": "1"}).status_code == 302
    assert DataValue.objects.get(region_id="34.01.02.2006", element__code="BUMIL_ANC").value == 20


def test_an_approved_period_shows_read_only_values_with_the_reason(staff: Cast) -> None:
    from datavalues.approval import step
    from regions.models import Region

    save_values(values=[ValueInput(DESA, "BUMIL_SASARAN", "2024", 95)], how="form")
    desa = Region.objects.get(code=DESA)
    step(region=desa, period="2024", action="ajukan", by=staff.users[Role.DESA])
    step(region=desa, period="2024", action="setujui", by=staff.users[Role.KECAMATAN])
    page = staff.client(Role.DESA).get(URL).content.decode()
    assert "sudah disetujui dan dikunci" in page
    assert 'name="v_BUMIL_SASARAN"' not in page and 'method="post"><table' not in page
    assert "Simpan</button>" not in page
    assert '<output class="value">95</output>' in page
