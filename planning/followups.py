"""Tindak lanjut Rumah Bersama: agreed actions and the history of their status.

A follow-up records problem → cause → action → owner (the desa itself or a kabupaten OPD) →
due date, linked to the desa and the indicator concerned, so the indicator's later value
shows whether the action worked. Every status change adds a `FollowUpChange` row; the row
itself is never edited behind the history's back (`create_follow_up`, `change_status`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Indicator
from config.text import plain_text
from planning.activities import Opd
from regions.models import Level, Region


class Status(models.TextChoices):
    PLANNED = "direncanakan", _("direncanakan")
    IN_PROGRESS = "berjalan", _("sedang berjalan")
    DONE = "selesai", _("selesai")
    DROPPED = "dibatalkan", _("dibatalkan")


OPEN = (Status.PLANNED, Status.IN_PROGRESS)


class Owner(models.TextChoices):
    DESA = "desa", _("pemerintah desa")
    OPD = "opd", _("OPD kabupaten")


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def overdue(self, today: dt.date) -> FollowUpQuerySet:
        """Still open after the due date (due today is not yet late)."""
        return self.filter(status__in=OPEN, due_date__lt=today)

    def under(self, code: str) -> FollowUpQuerySet:
        from regions.codes import subtree_q

        return self.filter(subtree_q("desa", code))

    def in_sectors(self, sectors: Collection[str] | None) -> FollowUpQuerySet:
        """Only the sectors a sector-limited role may see (None: all)."""
        if sectors is None:
            return self
        return self.filter(indicator__sector__code__in=list(sectors))


class FollowUp(models.Model):
    desa = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("desa")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("indikator")
    )
    problem = models.TextField(_("masalah"), max_length=1000)
    cause = models.TextField(_("penyebab"), max_length=1000, blank=True)
    action = models.TextField(_("tindakan"), max_length=1000)
    owner = models.CharField(_("penanggung jawab"), max_length=5, choices=Owner.choices)
    opd = models.CharField(_("OPD"), max_length=10, choices=Opd.choices, blank=True)
    due_date = models.DateField(_("batas waktu"))
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.PLANNED
    )
    evidence = models.TextField(_("catatan bukti"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    created_by = models.CharField(_("dibuat oleh"), max_length=150)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        app_label = "planning"
        ordering = ["due_date", "pk"]
        verbose_name = _("tindak lanjut")
        verbose_name_plural = _("tindak lanjut")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(owner="opd") | ~models.Q(opd=""), name="followup_opd_named"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.desa_id} {self.indicator_id}: {self.action[:40]}"

    def is_overdue(self, today: dt.date) -> bool:
        return self.status in OPEN and self.due_date < today

    @property
    def owner_text(self) -> str:
        return self.get_opd_display() if self.owner == Owner.OPD else str(_("Pemerintah desa"))

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if not self.action.strip():
            errors["action"] = _("Tindakan wajib diisi.")
        if not self.owner:
            errors["owner"] = _("Penanggung jawab wajib dipilih: desa atau OPD.")
        elif self.owner == Owner.OPD and not self.opd:
            errors["opd"] = _("Pilih OPD yang bertanggung jawab.")
        elif self.owner == Owner.DESA and self.opd:
            errors["opd"] = _("OPD hanya diisi bila penanggung jawabnya OPD.")
        created = timezone.localdate(self.created_at) if self.created_at else timezone.localdate()
        if self.due_date and self.due_date < created:
            errors["due_date"] = _("Batas waktu tidak boleh sebelum tanggal dibuat.")
        if self.desa_id and self.desa.level != Level.DESA:
            errors["desa"] = _("Tindak lanjut ditujukan ke satu desa.")
        if errors:
            raise ValidationError(errors)


class FollowUpChange(models.Model):
    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="changes")
    old_status = models.CharField(max_length=14, choices=Status.choices, blank=True)
    new_status = models.CharField(max_length=14, choices=Status.choices)
    note = models.TextField(_("catatan"), max_length=2000, blank=True)
    by = models.CharField(max_length=150)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "planning"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.follow_up_id}: {self.old_status} → {self.new_status}"


def create_follow_up(*, by: str, **fields: Any) -> FollowUp:
    """Validate everything first, then write the follow-up and its first history row."""
    for name in ("problem", "cause", "action", "evidence"):
        if isinstance(fields.get(name), str):
            fields[name] = plain_text(fields[name]).strip()
    follow_up = FollowUp(created_by=by, **fields)
    follow_up.full_clean()
    with transaction.atomic():
        follow_up.save()
        FollowUpChange.objects.create(
            follow_up=follow_up, old_status="", new_status=follow_up.status, by=by
        )
    return follow_up


def change_status(*, follow_up: FollowUp, status: str, note: str, by: str) -> FollowUpChange:
    if status not in Status.values:
        raise ValidationError({"status": _("Status tidak dikenal.")})
    note = plain_text(note)
    if status == follow_up.status and not note.strip():
        raise ValidationError({"status": _("Status sama; tambahkan catatan bila ada bukti baru.")})
    with transaction.atomic():
        old = follow_up.status
        follow_up.status = status
        if note.strip():
            stamp = timezone.localdate().isoformat()
            follow_up.evidence = (follow_up.evidence + f"\n{stamp}: {note.strip()}").strip()
        follow_up.save(update_fields=["status", "evidence"])
        return FollowUpChange.objects.create(
            follow_up=follow_up, old_status=old, new_status=status, note=note.strip(), by=by
        )
