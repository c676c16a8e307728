"""Approval of a desa's values for a period: submit → approve or return → reopen.

Approved values are locked: `save_values` refuses any value of that desa whose period lies
inside an approved period, until the kecamatan reopens it. Every step is an append-only
`ApprovalStep`, so who did what and why stays readable.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scoping import scope_of
from catalog.models import Period
from catalog.periods import parse_period
from regions.models import Region

VERIFIER_ROLES: set[str] = {Role.ADMIN, Role.KABUPATEN, Role.KECAMATAN}
SUBMITTER_ROLES: set[str] = {Role.ADMIN, Role.KABUPATEN, Role.KECAMATAN, Role.DESA}


class State(models.TextChoices):
    DRAFT = "draf", _("draf")
    SUBMITTED = "diajukan", _("diajukan")
    APPROVED = "disetujui", _("disetujui")
    RETURNED = "dikembalikan", _("dikembalikan")


class PeriodApproval(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("status"), max_length=12, choices=State.choices)
    comment = models.TextField(_("catatan"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "datavalues"
        verbose_name = _("persetujuan periode")
        verbose_name_plural = _("persetujuan periode")
        constraints = [
            models.UniqueConstraint(fields=["region", "period"], name="approval_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.period_id}: {self.state}"


class ApprovalStep(models.Model):
    """One step of the workflow; rows are only ever added."""

    approval = models.ForeignKey(PeriodApproval, on_delete=models.PROTECT, related_name="steps")
    action = models.CharField(_("tindakan"), max_length=12)
    state = models.CharField(_("status baru"), max_length=12, choices=State.choices)
    comment = models.TextField(_("catatan"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "datavalues"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} → {self.state}"


class Refused(ValueError):
    """A step not allowed from the current state or for this user (message in Indonesian)."""


# action → (states it may start from, resulting state, roles allowed)
STEPS: dict[str, tuple[set[str], str, set[str]]] = {
    "ajukan": ({State.DRAFT, State.RETURNED}, State.SUBMITTED.value, SUBMITTER_ROLES),
    "setujui": ({State.SUBMITTED}, State.APPROVED.value, VERIFIER_ROLES),
    "kembalikan": ({State.SUBMITTED}, State.RETURNED.value, VERIFIER_ROLES),
    "buka": ({State.APPROVED}, State.DRAFT.value, VERIFIER_ROLES),
}


def state_of(*, region: str, period: str) -> str:
    found = PeriodApproval.objects.filter(region_id=region, period__code=period).first()
    return found.state if found else State.DRAFT


def may_step(user: Any, region: str, action: str) -> bool:
    """Whether `user` may take `action` on a desa's period. A step covers every sector of
    the desa, so a role limited to some sectors may take none (accounts.scoping decides)."""
    return action in STEPS and scope_of(user).may(region, STEPS[action][2])


def step(*, region: Region, period: str, action: str, by: Any, comment: str = "") -> PeriodApproval:
    """Apply one workflow step, or raise Refused; the state row is locked while changing."""
    if action not in STEPS:
        raise Refused(f"tindakan {action!r} tidak dikenal")
    starts, result, _roles = STEPS[action]
    if by is not None and not may_step(by, region.code, action):
        raise Refused("Anda tidak berwenang untuk tindakan ini.")
    if action == "kembalikan" and not comment.strip():
        raise Refused("Pengembalian perlu catatan untuk desa.")
    with transaction.atomic():
        period_row = Period.objects.for_spec(parse_period(period))
        approval, _created = PeriodApproval.objects.select_for_update().get_or_create(
            region=region, period=period_row, defaults={"state": State.DRAFT}
        )
        if approval.state not in starts:
            raise Refused(f"Tidak dapat '{action}' dari status {approval.get_state_display()}.")
        approval.state = result
        approval.comment = comment
        approval.save()
        ApprovalStep.objects.create(
            approval=approval,
            action=action,
            state=result,
            comment=comment,
            by=by if getattr(by, "pk", None) else None,
        )
    return approval


def locked_keys(regions: Iterable[str]) -> dict[str, list[tuple[int, int, int]]]:
    """Approved periods per desa as (year, first month, last month)."""
    codes = sorted(set(regions))
    found: dict[str, list[tuple[int, int, int]]] = {}
    for start in range(0, len(codes), 500):
        for region, year, first, period_type in PeriodApproval.objects.filter(
            region_id__in=codes[start : start + 500], state=State.APPROVED
        ).values_list("region_id", "period__year", "period__first_month", "period__type"):
            months = {1: 1, 2: 3, 3: 6, 4: 12}[period_type]
            found.setdefault(region, []).append((year, first, first + months - 1))
    return found


def is_locked(locks: dict[str, list[tuple[int, int, int]]], region: str, period: str) -> bool:
    spans = locks.get(region)
    if not spans:
        return False
    spec = parse_period(period)
    return any(
        spec.year == year and first <= spec.first_month and spec.last_month <= last
        for year, first, last in spans
    )


LOCKED_MESSAGE = _("periode ini sudah disetujui dan dikunci; minta kecamatan membukanya")
