"""Who may see and change what: role assignments, API tokens and the audit log."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.models import Level, Region


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator nasional")
    KABUPATEN = "kabupaten", _("Perencana kabupaten")
    KECAMATAN = "kecamatan", _("Camat dan tim kecamatan")
    DESA = "desa", _("Operator desa")
    VIEWER = "viewer", _("Pembaca")
    PROGRAM = "program", _("Sekretariat program")


class Sector(models.TextChoices):
    """Sector codes a kecamatan assignment may be limited to (the catalogue uses the same)."""

    KESEHATAN = "kesehatan", _("Kesehatan")
    GIZI = "gizi", _("Gizi")
    PENDIDIKAN = "pendidikan", _("Pendidikan")
    AIR_SANITASI = "air_sanitasi", _("Air minum dan sanitasi")
    SOSIAL = "sosial", _("Sosial")
    ADMINDUK = "adminduk", _("Administrasi kependudukan")


# The level of region each role is assigned at; None means "national, no region".
ROLE_LEVELS: dict[str, tuple[int | None, ...]] = {
    Role.ADMIN: (None,),
    Role.KABUPATEN: (Level.KABUPATEN,),
    Role.KECAMATAN: (Level.KECAMATAN,),
    Role.DESA: (Level.DESA,),
    Role.VIEWER: (None, Level.PROVINSI, Level.KABUPATEN, Level.KECAMATAN, Level.DESA),
    # A programme secretariat is assigned to a cohort (planning.Cohort), never to a region:
    # its scope is the cohort's kecamatan, read-only (accounts.scoping.scope_of).
    Role.PROGRAM: (None,),
}


class Assignment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    role = models.CharField(_("peran"), max_length=10, choices=Role.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Kosong berarti seluruh Indonesia."),
    )
    # The programme cohort of a `program` assignment (and of no other role). Named by string:
    # accounts imports nothing from planning; the cohort's members make the scope.
    cohort = models.ForeignKey(
        "planning.Cohort",
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # Sector codes (strings, see Sector); empty means every sector. Only for `kecamatan`.
    sectors = models.JSONField(_("sektor"), default=list, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("penugasan")
        verbose_name_plural = _("penugasan")
        ordering = ["region_id", "role", "user_id"]
        # Two partial constraints, because NULL (national) never equals NULL in a unique
        # index and SQLite has no NULLS NOT DISTINCT.
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=models.Q(region__isnull=False),
                name="assignment_unique_regional",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(region__isnull=True, cohort__isnull=True),
                name="assignment_unique_national",
            ),
            models.UniqueConstraint(
                fields=["user", "cohort"],
                condition=models.Q(cohort__isnull=False),
                name="assignment_unique_cohort",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role="program", cohort__isnull=False, region__isnull=True)
                    | (~models.Q(role="program") & models.Q(cohort__isnull=True))
                ),
                name="assignment_cohort_only_for_program",
            ),
        ]

    def __str__(self) -> str:
        if self.cohort_id is not None:
            return f"{self.user} · {self.role} · program {self.cohort_id}"
        return f"{self.user} · {self.role} · {self.region_id or 'nasional'}"

    def clean(self) -> None:
        level = Region.objects.filter(code=self.region_id).values_list("level", flat=True).first()
        if self.region_id and level is None:
            raise ValidationError({"region": _("Kode wilayah tidak dikenal.")})
        if level not in ROLE_LEVELS[self.role]:
            raise ValidationError(
                {"region": _("Peran ini tidak dapat diberikan pada tingkat wilayah ini.")}
            )
        if (self.role == Role.PROGRAM) != (self.cohort_id is not None):
            raise ValidationError(
                {"cohort": _("Peran sekretariat program (dan hanya peran itu) memerlukan program.")}
            )
        cohorts = self._meta.get_field("cohort").related_model._default_manager  # type: ignore[union-attr]
        if self.cohort_id is not None and not cohorts.filter(pk=self.cohort_id).exists():
            raise ValidationError({"cohort": _("Program tidak dikenal.")})
        valid = set(Sector.values)
        if not isinstance(self.sectors, list) or not all(s in valid for s in self.sectors):
            raise ValidationError({"sectors": _("Kode sektor tidak dikenal.")})
        if self.sectors and self.role != Role.KECAMATAN:
            raise ValidationError(
                {"sectors": _("Hanya peran kecamatan yang dapat dibatasi per sektor.")}
            )


TOKEN_PREFIX = "dk_"  # noqa: S105  (a public marker, not a secret)


def hash_token(raw: str) -> str:
    # Tokens are 256-bit random strings, so a fast hash is enough (no dictionary to attack).
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A named, expiring bearer token. Only its hash is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("nama"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(_("awalan"), max_length=12)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    expires_at = models.DateTimeField(_("kedaluwarsa"))
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    MAX_DAYS: ClassVar[int] = 366

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, *, user: Any, name: str, days: int) -> tuple[ApiToken, str]:
        """Create a token; returns it with the raw secret, which is never stored."""
        if not 1 <= days <= cls.MAX_DAYS:
            raise ValueError(f"days must be between 1 and {cls.MAX_DAYS}")
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name.strip()[:100],
            digest=hash_token(raw),
            hint=raw[:10],
            expires_at=timezone.now() + timedelta(days=days),
        )
        return token, raw

    @classmethod
    def authenticate(cls, raw: str) -> ApiToken | None:
        if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
            return None
        token = (
            cls.objects.usable()
            .select_related("user")
            .filter(digest=hash_token(raw), user__is_active=True)
            .first()
        )
        if token is not None:
            now = timezone.now()
            # Write at most once a minute per token, not on every request.
            if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
                cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def revoke(self, at: datetime | None = None) -> None:
        if self.revoked_at is None:
            self.revoked_at = at or timezone.now()
            self.save(update_fields=["revoked_at"])


class Action(models.TextChoices):
    LOGIN = "login", _("Masuk")
    LOGIN_FAILED = "login_failed", _("Gagal masuk")
    LOCKED_OUT = "locked_out", _("Akun dikunci sementara")
    LOGOUT = "logout", _("Keluar")
    TOTP_FAILED = "totp_failed", _("Kode TOTP salah")
    TOTP_ENROLLED = "totp_enrolled", _("TOTP didaftarkan")
    PASSWORD_CHANGED = "password_changed", _("Kata sandi diganti")
    ASSIGNMENT_ADDED = "assignment_added", _("Penugasan ditambah")
    ASSIGNMENT_REMOVED = "assignment_removed", _("Penugasan dicabut")
    USER_CREATED = "user_created", _("Pengguna dibuat")
    TOKEN_CREATED = "token_created", _("Token dibuat")
    TOKEN_REVOKED = "token_revoked", _("Token dicabut")
    IMPORT = "import", _("Impor data")
    EDIT = "edit", _("Perubahan data")
    APPROVAL = "approval", _("Persetujuan data")
    EXPORT = "export", _("Ekspor")
    DENIED = "denied", _("Akses ditolak")


class AppendOnlyError(RuntimeError):
    pass


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def bulk_create(
        self, objs: Iterable[AuditEvent], *args: Any, **kwargs: Any
    ) -> list[AuditEvent]:
        from accounts.activity import count

        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            count(created, using=self.db)
        return created

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    """One audited action. Append-only: the application never updates or deletes a row."""

    at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    # No foreign key: the row must outlive the account and never be touched by a cascade.
    user_id = models.BigIntegerField(_("ID pengguna"), null=True, blank=True)
    username = models.CharField(_("nama pengguna"), max_length=150, blank=True, db_index=True)
    action = models.CharField(_("tindakan"), max_length=30, choices=Action.choices, db_index=True)
    region_code = models.CharField(_("kode wilayah"), max_length=13, blank=True)
    summary = models.CharField(_("ringkasan"), max_length=300, blank=True)
    detail = models.JSONField(_("rincian"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    user_agent = models.CharField(_("peramban"), max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("catatan audit")
        verbose_name_plural = _("catatan audit")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be updated")
        from accounts.activity import count  # the counts read this module's models

        # The event and its counts are written together, or neither is.
        using = kwargs.get("using") or router.db_for_write(AuditEvent)
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)
            count([self], using=using)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")


# Counts kept beside the audit log (accounts.activity), so that programme monitoring reads a
# few thousand rows instead of millions of events. Only counted work (accounts.activity.COUNTED)
# with a region is counted; `kecamatan` is the first 8 characters of the event's region code.


class ActivityDay(models.Model):
    """Counted events per kecamatan and day (in settings.TIME_ZONE)."""

    kecamatan = models.CharField(max_length=8)
    day = models.DateField()
    actions = models.PositiveIntegerField(default=0)
    imports = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kecamatan", "day"], name="activity_day_once")
        ]
        # Monitoring reads a cohort's recent days from this index alone.
        indexes = [
            models.Index(
                fields=["kecamatan", "day", "actions", "imports"], name="activity_day_counts"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kecamatan} {self.day}: {self.actions}"


class ActivityMonth(models.Model):
    """Counted events per kecamatan and month (its first day, in settings.TIME_ZONE)."""

    kecamatan = models.CharField(max_length=8)
    month = models.DateField()
    actions = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kecamatan", "month"], name="activity_month_once")
        ]
        indexes = [
            models.Index(fields=["kecamatan", "month", "actions"], name="activity_month_counts")
        ]

    def __str__(self) -> str:
        return f"{self.kecamatan} {self.month:%Y-%m}: {self.actions}"


class ActivityUser(models.Model):
    """The latest counted event of a user on a kecamatan: the user is active in a window
    exactly when `last_at` lies in it."""

    kecamatan = models.CharField(max_length=8)
    user_id = models.BigIntegerField()
    last_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kecamatan", "user_id"], name="activity_user_once")
        ]
        indexes = [models.Index(fields=["kecamatan", "last_at"], name="activity_user_latest")]

    def __str__(self) -> str:
        return f"{self.kecamatan} {self.user_id}: {self.last_at:%Y-%m-%d %H:%M}"
