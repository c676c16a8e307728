"""Who may write a value: form, file, API and approval × role × region × sector.

The expectation is written out here, independently of accounts.scoping: a writer role
(admin, kabupaten, kecamatan, desa) inside its region writes; a kecamatan role limited to
the sector gizi writes gizi only and takes no approval step (a step covers every sector of
the desa); viewers, programme secretariats (who read the kecamatan of their cohort) and
accounts without a role write nothing. Every refusal leaves the
database as it was.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts import assigning
from accounts.models import ApiToken, Role
from datavalues.approval import PeriodApproval, State, step
from datavalues.models import DataValue
from intake import importing
from intake.parsing import Table
from regions.models import Region
from tests.cast import Cast, cast_fixture, login  # noqa: F401

pytestmark = pytest.mark.django_db

HOME = "34.04.01.2001"  # in the kecamatan 34.04.01, kabupaten 34.04 (Sleman)
OTHER = "34.04.02.2001"  # another kecamatan of the same kabupaten
FAR = "34.71.01.1001"  # another kabupaten (Kota Yogyakarta)
ELEMENT = {"kesehatan": "BUMIL_SASARAN", "gizi": "BUMIL_KEK"}
GIZI_ONLY = "kecamatan_gizi"
PRINCIPALS = (
    Role.ADMIN,
    Role.KABUPATEN,
    Role.KECAMATAN,
    GIZI_ONLY,
    Role.DESA,
    Role.VIEWER,
    Role.PROGRAM,
    "outsider",
)
# principal → the regions it may write in (prefixes of codes), and its sectors (None: all).
REACH: dict[str, tuple[tuple[str, ...], frozenset[str] | None]] = {
    Role.ADMIN: (("",), None),
    Role.KABUPATEN: (("34.04.",), None),
    Role.KECAMATAN: (("34.04.01.",), None),
    GIZI_ONLY: (("34.04.01.",), frozenset({"gizi"})),
    Role.DESA: ((HOME,), None),
    Role.VIEWER: ((), None),
    Role.PROGRAM: ((), None),  # reads 34.04.01 (its cohort), writes nothing
    "outsider": ((), None),
}
CASES = [
    (who, desa, sector)
    for who in PRINCIPALS
    for desa in (HOME, OTHER, FAR)
    for sector in ("kesehatan", "gizi")
]


def may_write(who: str, desa: str, sector: str) -> bool:
    prefixes, sectors = REACH[who]
    in_region = any(desa.startswith(p) for p in prefixes)
    return in_region and (sectors is None or sector in sectors)


@pytest.fixture
def staff(cast: Cast, catalogue: None) -> Cast:
    if not Region.objects.filter(code=FAR).exists():
        pytest.skip(f"{FAR} is not in the regions file")
    user = User.objects.create_user(GIZI_ONLY, password="kata-sandi-uji-yang-panjang")
    assigning.grant(
        by=None, user=user, role=Role.KECAMATAN, region_code="34.04.01", sectors=["gizi"]
    )
    cast.users[GIZI_ONLY] = user
    cast.tokens[GIZI_ONLY] = ApiToken.issue(user=user, name="uji", days=30)[1]
    return cast


def _client(cast: Cast, who: str) -> Client:
    client = Client()
    login(client, cast.users[who])
    return client


def _written(desa: str, sector: str) -> bool:
    return DataValue.objects.filter(region_id=desa, element__code=ELEMENT[sector]).exists()


@pytest.mark.parametrize(("who", "desa", "sector"), CASES)
def test_the_entry_form_writes_only_inside_role_region_and_sector(
    staff: Cast, who: str, desa: str, sector: str
) -> None:
    code = ELEMENT[sector]
    url = f"/isi/{desa}/2024/?sektor={sector}"
    response = _client(staff, who).post(url, {f"v_{code}": "7", f"shown_{code}": ""})
    allowed = may_write(who, desa, sector)
    assert response.status_code == (302 if allowed else 404), response.content[:300]
    assert _written(desa, sector) is allowed


@pytest.mark.parametrize(("who", "desa", "sector"), CASES)
def test_a_file_writes_only_inside_role_region_and_sector(
    staff: Cast, who: str, desa: str, sector: str
) -> None:
    rows: Any = iter([(2, [desa, ELEMENT[sector], "2024", "7"])])
    table = Table(kind="csv", header=["kode_wilayah", "kode_data", "periode", "nilai"], rows=rows)
    plan = importing.plan_values(table, by=staff.users[who])
    allowed = may_write(who, desa, sector)
    assert (not plan.errors) is allowed, plan.errors
    if allowed:
        importing.write_plan(plan, by=staff.users[who], accept_warnings=True)
    else:
        with pytest.raises(importing.ImportRefused):
            importing.write_plan(plan, by=staff.users[who], accept_warnings=True)
    assert _written(desa, sector) is allowed


@pytest.mark.parametrize(("who", "desa", "sector"), CASES)
def test_the_api_writes_only_inside_role_region_and_sector(
    staff: Cast, who: str, desa: str, sector: str
) -> None:
    item = {"kode_wilayah": desa, "kode_data": ELEMENT[sector], "periode": "2024", "nilai": 7}
    response = Client().post(
        "/api/v1/datavalues",
        json.dumps({"values": [item]}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {staff.tokens[who]}"},
    )
    allowed = may_write(who, desa, sector)
    in_region = may_write(who, desa, "kesehatan") or may_write(who, desa, "gizi")
    # Outside the region: 404, like an unknown desa; a sector outside the limit: the item
    # is refused and named (400).
    assert response.status_code == (200 if allowed else 400 if in_region else 404)
    assert _written(desa, sector) is allowed


@pytest.mark.parametrize("who", PRINCIPALS)
@pytest.mark.parametrize("desa", [HOME, OTHER, FAR])
def test_approval_steps_need_the_role_the_region_and_every_sector(
    staff: Cast, who: str, desa: str
) -> None:
    """Submitting is for every writer; approving for admin, kabupaten and kecamatan."""
    client = _client(staff, who)
    client.post(f"/persetujuan/{desa}/2024/", {"action": "ajukan"})
    submitted = PeriodApproval.objects.filter(region_id=desa, state=State.SUBMITTED).exists()
    every_sector = may_write(who, desa, "kesehatan") and may_write(who, desa, "gizi")
    assert submitted is every_sector
    if not submitted:
        step(region=Region.objects.get(code=desa), period="2024", action="ajukan", by=None)
    client.post(f"/persetujuan/{desa}/2024/", {"action": "setujui"})
    approved = PeriodApproval.objects.filter(region_id=desa, state=State.APPROVED).exists()
    assert approved is (every_sector and who != Role.DESA)
