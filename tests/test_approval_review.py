"""The approval page shows what is approved: values by sector with warnings, changes since
the last approval, completeness; decisions from the queue; sector-limited roles."""

from __future__ import annotations

import pytest

from accounts import assigning
from accounts.models import Role
from datavalues.approval import PeriodApproval, State, step
from datavalues.writing import ValueInput, save_values
from regions.models import Region
from tests.cast import Cast, cast_fixture, make_user  # noqa: F401

pytestmark = pytest.mark.usefixtures("catalogue")
DESA = "34.04.01.2001"
URL = f"/persetujuan/{DESA}/2024/"


def submitted(cast: Cast) -> Region:
    history = [
        ValueInput(DESA, "BUMIL_SASARAN", str(y), v)
        for y, v in [(2020, 100), (2021, 101), (2022, 99), (2023, 100)]
    ]
    save_values(values=history, how="form")
    save_values(
        values=[
            ValueInput(DESA, "BUMIL_SASARAN", "2024", 1000),  # ten times its history
            ValueInput(DESA, "BUMIL_ANC", "2024", 90),
        ],
        how="form",
        by=cast.users[Role.DESA],
    )
    desa = Region.objects.get(code=DESA)
    step(region=desa, period="2024", action="ajukan", by=cast.users[Role.DESA])
    return desa


def test_the_camat_sees_values_by_sector_with_their_warning_and_completeness(
    cast: Cast,
) -> None:
    submitted(cast)
    html = cast.client(Role.KECAMATAN).get(URL).content.decode()
    assert "Kesehatan" in html and "BUMIL_SASARAN" in html and ">1000<" in html
    assert 'class="flagged"' in html and "⚠" in html
    assert "2 dari" in html and "data terisi" in html
    assert 'value="setujui"' in html and 'value="kembalikan"' in html


def test_changes_since_the_last_approval_show_old_new_who_and_when(cast: Cast) -> None:
    desa = submitted(cast)
    step(region=desa, period="2024", action="setujui", by=cast.users[Role.KECAMATAN])
    step(region=desa, period="2024", action="buka", by=cast.users[Role.KECAMATAN])
    save_values(
        values=[ValueInput(DESA, "BUMIL_ANC", "2024", 95)], how="form", by=cast.users[Role.DESA]
    )
    html = cast.client(Role.KECAMATAN).get(URL).content.decode()
    changes = html.split("Perubahan sejak persetujuan terakhir")[1]
    assert "90 → 95" in changes and "desa (formulir)" in changes
    assert "1000" not in changes  # before the approval: not a change since


def test_the_camat_approves_from_the_queue_and_returns_to_it(cast: Cast) -> None:
    submitted(cast)
    client = cast.client(Role.KECAMATAN)
    assert URL in client.get("/persetujuan/").content.decode()
    response = client.post(URL, {"action": "setujui", "next": "queue"})
    assert response.status_code == 302 and response["Location"] == "/persetujuan/"
    assert PeriodApproval.objects.get(region_id=DESA).state == State.APPROVED
    assert URL not in client.get("/persetujuan/").content.decode()


def test_a_return_from_the_queue_needs_a_note(cast: Cast) -> None:
    submitted(cast)
    client = cast.client(Role.KECAMATAN)
    client.post(URL, {"action": "kembalikan", "comment": "", "next": "queue"})
    assert PeriodApproval.objects.get(region_id=DESA).state == State.SUBMITTED
    client.post(URL, {"action": "kembalikan", "comment": "ANC terlalu rendah", "next": "queue"})
    assert PeriodApproval.objects.get(region_id=DESA).state == State.RETURNED


def test_a_sector_limited_kecamatan_role_sees_but_cannot_approve_or_return(cast: Cast) -> None:
    submitted(cast)
    puskesmas = make_user("upt-kesehatan")
    assigning.grant(
        by=None, user=puskesmas, role=Role.KECAMATAN, region_code="34.04.01", sectors=["kesehatan"]
    )
    from django.test import Client

    from tests.cast import login

    client = Client()
    login(client, puskesmas)
    html = client.get(URL).content.decode()
    assert "dibatasi pada sebagian sektor" in html and 'value="setujui"' not in html
    assert client.post(URL, {"action": "setujui"}).status_code == 404
    assert client.post(URL, {"action": "kembalikan", "comment": "x"}).status_code == 404
    assert PeriodApproval.objects.get(region_id=DESA).state == State.SUBMITTED
    queue = client.get("/persetujuan/").content.decode()
    assert URL in queue and "hanya lihat" in queue and 'value="setujui"' not in queue
