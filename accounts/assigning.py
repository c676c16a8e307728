"""Granting and revoking assignments, for the page, the `assign` command and the API.

Administrators manage every assignment. A kabupaten user manages the kecamatan, desa and
viewer assignments inside their own kabupaten, and nothing else, for accounts they created or
that already hold a role there (`assignable_user`). A programme secretariat (`program`) is
assigned to a cohort, by administrators only.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import Action, Assignment, AuditEvent, Role
from accounts.scoping import Scope, forget_scope, scope_of
from regions.codes import is_within_or_equal, subtree_q

# The actor recorded when a change comes from a management command (no user).
COMMAND_ACTOR = "manage.py"
KABUPATEN_GRANTS = frozenset({Role.KECAMATAN, Role.DESA, Role.VIEWER})


class Refused(Exception):
    """A change the manager may not make; the message is for the user."""


def managed_roots(scope: Scope) -> list[str] | None:
    """Regions whose assignments the user manages: None for all, [] for none."""
    if scope.is_admin:
        return None
    return sorted(g.region_code for g in scope.grants if g.role == Role.KABUPATEN and g.region_code)


def can_manage(manager: Any, role: str, region_code: str | None) -> bool:
    scope = scope_of(manager)
    roots = managed_roots(scope)
    if roots is None:
        return True
    if role not in KABUPATEN_GRANTS or region_code is None:
        return False
    return any(is_within_or_equal(region_code, root) for root in roots)


def manageable(manager: Any) -> Any:
    """The assignments a manager may see and revoke."""
    roots = managed_roots(scope_of(manager))
    rows = Assignment.objects.select_related("user", "region", "cohort")
    if roots is None:
        return rows
    condition = Q(pk__in=[])
    for root in roots:
        condition |= Q(region_id=root) | subtree_q("region_id", root)
    return rows.filter(condition, role__in=KABUPATEN_GRANTS)


def assignable_user(manager: Any, username: str) -> Any | None:
    """The user `manager` may give a role to, or None.

    Administrators (and commands, `manager=None`) reach every account. A kabupaten user
    reaches only accounts they created or that already hold a role inside their kabupaten;
    any other existing account is answered exactly like an unknown username, so the page and
    the API do not tell which usernames exist elsewhere.
    """
    user = get_user_model().objects.filter(username=username).first()
    if user is None or manager is None:
        return user
    roots = managed_roots(scope_of(manager))
    if roots is None:
        return user
    area = Q(pk__in=[])
    for root in roots:
        area |= Q(region_id=root) | subtree_q("region_id", root)
    holds_role_here = Assignment.objects.filter(area, user=user).exists()
    created_by_manager = AuditEvent.objects.filter(
        action=Action.USER_CREATED, user_id=manager.pk, detail__user_id=user.pk
    ).exists()
    return user if holds_role_here or created_by_manager else None


def username_taken(username: str) -> bool:
    return get_user_model().objects.filter(username__iexact=username).exists()


def new_password() -> str:
    return secrets.token_urlsafe(12)


def create_user(username: str, password: str | None = None) -> tuple[Any, str]:
    """A new active user; returns it and its password (random unless given)."""
    User = get_user_model()
    password = password or new_password()
    user = User(username=username)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    return user, password


def _where(region_code: str | None, cohort_id: int | None) -> str:
    if cohort_id is not None:
        return f"program {cohort_id}"
    return region_code or "nasional"


def grant(
    *,
    by: Any,
    user: Any,
    role: str,
    region_code: str | None,
    sectors: list[str] | None = None,
    cohort_id: int | None = None,
    request: HttpRequest | None = None,
) -> tuple[Assignment, bool]:
    """Give `user` a role at a region (a `program` role: for a cohort); returns the
    assignment and whether it is new."""
    region_code = region_code or None
    if by is not None and not can_manage(by, role, region_code):
        raise Refused(_("Anda tidak berwenang memberi peran ini di wilayah ini."))
    assignment = Assignment(
        user=user,
        role=role,
        region_id=region_code,
        cohort_id=cohort_id,
        sectors=sorted(set(sectors or [])),
    )
    try:
        assignment.clean()
    except ValidationError as error:
        raise Refused(" ".join(error.messages)) from None
    with transaction.atomic():
        same = Assignment.objects.filter(user=user, role=role, region_id=region_code)
        existing = (
            same.filter(cohort__isnull=True) if cohort_id is None else same.filter(cohort=cohort_id)
        ).first()
        if existing is not None:
            if existing.sectors == assignment.sectors:
                return existing, False
            existing.sectors = assignment.sectors
            existing.save(update_fields=["sectors"])
            assignment, created = existing, False
        else:
            assignment.created_by = by
            assignment.save()
            created = True
        if role == Role.ADMIN and not (user.is_staff and user.is_superuser):
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        audit.record(
            Action.ASSIGNMENT_ADDED,
            request=request,
            user=by,
            username=COMMAND_ACTOR,
            region_code=region_code,
            summary=f"{user.username}: {role} {_where(region_code, cohort_id)}",
            detail={
                "username": user.username,
                "role": role,
                "region": region_code,
                "cohort": cohort_id,
                "sectors": assignment.sectors,
            },
        )
    forget_scope(user)
    return assignment, created


def revoke(*, by: Any, assignment: Assignment, request: HttpRequest | None = None) -> None:
    if by is not None and not can_manage(by, assignment.role, assignment.region_id):
        raise Refused(_("Anda tidak berwenang mencabut penugasan ini."))
    user = assignment.user
    with transaction.atomic():
        assignment.delete()
        if (
            assignment.role == Role.ADMIN
            and not Assignment.objects.filter(user=user, role=Role.ADMIN).exists()
        ):
            user.is_staff = user.is_superuser = False
            user.save(update_fields=["is_staff", "is_superuser"])
        audit.record(
            Action.ASSIGNMENT_REMOVED,
            request=request,
            user=by,
            username=COMMAND_ACTOR,
            region_code=assignment.region_id,
            summary=(
                f"{user.username}: {assignment.role} "
                f"{_where(assignment.region_id, assignment.cohort_id)}"
            ),
            detail={
                "username": user.username,
                "role": assignment.role,
                "region": assignment.region_id,
                "cohort": assignment.cohort_id,
            },
        )
    forget_scope(user)
