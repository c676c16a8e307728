"""In-app notices (the inbox) and the record of daily digests sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ASSIGNED = "ditugaskan", _("tindak lanjut ditugaskan")
    DUE_SOON = "jatuh_tempo", _("tindak lanjut jatuh tempo dalam 7 hari")
    OVERDUE = "terlambat", _("tindak lanjut terlambat")
    RETURNED = "dikembalikan", _("pengajuan dikembalikan")
    REVISE = "perbaiki", _("evaluasi APBDes: perlu perbaikan")


class Notice(models.Model):
    """One notice for one user; `key` makes each event notified once (per user)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    key = models.CharField(max_length=80)
    text = models.CharField(_("isi"), max_length=300)
    href = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notice_once")]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_unread")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.text[:40]}"


class DigestSent(models.Model):
    """A daily digest sent to a user: one row per user and day makes the job idempotent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    notices = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"
