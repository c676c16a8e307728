"""API endpoints about the caller and about assignments (provisioning by script)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from accounts import assigning, audit
from accounts.models import Action, Assignment, Role, Sector
from accounts.scoping import scope_of

router = Router(tags=["akun"])

REGION_CODE = r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$"


class ErrorOut(Schema):
    detail: str


class AssignmentOut(Schema):
    id: int
    username: str
    role: str
    region: str | None
    sectors: list[str]
    program: int | None = None


class MeOut(Schema):
    username: str
    national: bool
    regions: list[str]
    assignments: list[AssignmentOut]


class AssignmentIn(Schema):
    username: str = Field(min_length=1, max_length=150, pattern=r"^[\w.@+-]+$")
    role: Role
    region: str | None = Field(default=None, pattern=REGION_CODE)
    sectors: list[Sector] = Field(default_factory=list, max_length=len(Sector.values))
    program: int | None = Field(default=None, ge=1, le=2**31 - 1)


def _out(assignment: Assignment) -> AssignmentOut:
    return AssignmentOut(
        id=assignment.pk,
        username=assignment.user.username,
        role=assignment.role,
        region=assignment.region_id,
        sectors=list(assignment.sectors),
        program=assignment.cohort_id,
    )


@router.get("/me", response={200: MeOut}, summary="Pengguna pemanggil dan cakupannya")
def me(request: HttpRequest) -> MeOut:
    scope = scope_of(request.user)
    rows = Assignment.objects.filter(user_id=request.user.pk or 0).select_related("user")
    return MeOut(
        username=request.user.get_username(),
        national=scope.national,
        regions=list(scope.roots),
        assignments=[_out(a) for a in rows],
    )


@router.get(
    "/assignments",
    response={200: list[AssignmentOut], 404: ErrorOut},
    summary="Penugasan yang dapat dikelola pemanggil",
)
def assignment_list(request: HttpRequest) -> Status[Any]:
    if assigning.managed_roots(scope_of(request.user)) == []:
        return Status(404, ErrorOut(detail="Not Found"))
    rows = assigning.manageable(request.user).order_by("region_id", "role", "user__username")
    return Status(200, [_out(a) for a in rows[:1000]])


@router.post(
    "/assignments",
    response={
        200: AssignmentOut,
        201: AssignmentOut,
        400: ErrorOut,
        404: ErrorOut,
    },
    summary="Memberi peran kepada pengguna yang sudah ada",
)
def assignment_create(request: HttpRequest, payload: AssignmentIn) -> Status[Any]:
    # Outside the caller's authority looks exactly like an unknown region: 404 (and audited).
    if not assigning.can_manage(request.user, payload.role, payload.region):
        audit.record(
            Action.DENIED,
            request=request,
            region_code=payload.region,
            summary=f"api assignment refused: {payload.username} {payload.role}",
        )
        return Status(404, ErrorOut(detail="Not Found"))
    user = assigning.assignable_user(request.user, payload.username)
    if user is None or not user.is_active:  # unknown or out of reach: the same answer
        return Status(400, ErrorOut(detail="Unknown username"))
    try:
        assignment, created = assigning.grant(
            by=request.user,
            user=user,
            role=payload.role,
            region_code=payload.region,
            sectors=[str(s) for s in payload.sectors],
            cohort_id=payload.program,
            request=request,
        )
    except assigning.Refused as refused:
        return Status(400, ErrorOut(detail=str(refused)))
    return Status(201 if created else 200, _out(assignment))
