"""Approval: submit, approve, return with a comment, reopen; approved periods are locked."""

from __future__ import annotations

import pytest

from accounts.models import Role
from datavalues.approval import ApprovalStep, PeriodApproval, Refused, State, step
from datavalues.models import DataValue
from datavalues.writing import ValueInput, ValuesRejected, save_values
from intake.importing import plan_values
from intake.parsing import Table
from regions.models import Region
from tests.cast import Cast, cast_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
DESA = "34.04.01.2001"


@pytest.fixture
def staff(cast: Cast, catalogue: None) -> Cast:
    return cast


def value(amount: float, period: str = "2024") -> list[ValueInput]:
    return [ValueInput(DESA, "BUMIL_SASARAN", period, amount)]


def test_submit_approve_locks_and_reopen_unlocks_with_every_step_recorded(staff: Cast) -> None:
    desa = Region.objects.get(code=DESA)
    save_values(values=value(10), how="form")
    step(region=desa, period="2024", action="ajukan", by=staff.users[Role.DESA])
    step(region=desa, period="2024", action="setujui", by=staff.users[Role.KECAMATAN])
    with pytest.raises(ValuesRejected, match="dikunci"):
        save_values(values=value(11), how="form")
    # Monthly values inside the approved year are locked too.
    with pytest.raises(ValuesRejected, match="dikunci"):
        save_values(values=[ValueInput(DESA, "BALITA_DIUKUR", "2024-03", 5)], how="form")
    save_values(values=value(12, "2023"), how="form")  # another year is open
    step(region=desa, period="2024", action="buka", by=staff.users[Role.KECAMATAN])
    save_values(values=value(11), how="form")
    assert DataValue.objects.get(period__code="2024", element__code="BUMIL_SASARAN").value == 11
    assert list(
        ApprovalStep.objects.values_list("action", "state", "by__username").order_by("id")
    ) == [
        ("ajukan", State.SUBMITTED, "desa"),
        ("setujui", State.APPROVED, "kecamatan"),
        ("buka", State.DRAFT, "kecamatan"),
    ]


def test_a_return_needs_a_comment_and_lets_the_desa_submit_again(staff: Cast) -> None:
    desa = Region.objects.get(code=DESA)
    step(region=desa, period="2024", action="ajukan", by=staff.users[Role.DESA])
    with pytest.raises(Refused, match="catatan"):
        step(region=desa, period="2024", action="kembalikan", by=staff.users[Role.KECAMATAN])
    step(
        region=desa,
        period="2024",
        action="kembalikan",
        by=staff.users[Role.KECAMATAN],
        comment="Sasaran bumil belum diisi",
    )
    assert PeriodApproval.objects.get().comment == "Sasaran bumil belum diisi"
    step(region=desa, period="2024", action="ajukan", by=staff.users[Role.DESA])
    assert PeriodApproval.objects.get().state == State.SUBMITTED


def test_a_desa_operator_cannot_approve_its_own_submission(staff: Cast) -> None:
    desa = Region.objects.get(code=DESA)
    step(region=desa, period="2024", action="ajukan", by=staff.users[Role.DESA])
    with pytest.raises(Refused):
        step(region=desa, period="2024", action="setujui", by=staff.users[Role.DESA])
    with pytest.raises(Refused, match="status"):
        step(region=desa, period="2024", action="buka", by=staff.users[Role.KECAMATAN])


def test_a_locked_row_is_an_error_in_the_import_preview(staff: Cast) -> None:
    desa = Region.objects.get(code=DESA)
    step(region=desa, period="2024", action="ajukan", by=None)
    step(region=desa, period="2024", action="setujui", by=None)
    plan = plan_values(
        Table(
            kind="csv",
            header=["kode_wilayah", "kode_data", "periode", "nilai"],
            rows=iter([(2, [DESA, "BUMIL_SASARAN", "2024", "5"])]),
        )
    )
    assert [(p.row, p.column) for p in plan.errors] == [(2, "periode")]
    assert "dikunci" in plan.errors[0].message


def test_the_approval_page_shows_the_state_and_offers_only_allowed_actions(
    staff: Cast,
) -> None:
    desa_client = staff.client(Role.DESA)
    page = desa_client.get(f"/persetujuan/{DESA}/2024/").content.decode()
    assert 'value="ajukan"' in page and 'value="setujui"' not in page
    desa_client.post(f"/persetujuan/{DESA}/2024/", {"action": "ajukan"})
    kecamatan = staff.client(Role.KECAMATAN)
    page = kecamatan.get(f"/persetujuan/{DESA}/2024/").content.decode()
    assert 'value="setujui"' in page and 'value="kembalikan"' in page
    kecamatan.post(f"/persetujuan/{DESA}/2024/", {"action": "setujui"})
    page = kecamatan.get(f"/persetujuan/{DESA}/2024/").content.decode()
    assert "terkunci" in page and 'value="buka"' in page
    assert staff.client(Role.VIEWER).get(f"/persetujuan/{DESA}/2024/").status_code == 404


def test_each_step_taken_on_the_approval_page_is_in_the_audit_log(staff: Cast) -> None:
    from accounts.models import Action, AuditEvent

    client = staff.client(Role.DESA)

    response = client.post(f"/persetujuan/{DESA}/2024/", {"action": "ajukan"})

    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.APPROVAL)
    assert (event.username, event.region_code, event.summary) == ("desa", DESA, "ajukan 2024")
