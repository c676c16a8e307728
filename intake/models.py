"""Upload records: who sent which file when, what became of it, and name aliases for desa."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from regions.models import Region


class Status(models.TextChoices):
    RECEIVED = "diterima", _("diterima")
    CHECKING = "diperiksa", _("sedang diperiksa")
    PREVIEWED = "pratinjau", _("siap dikonfirmasi")
    REJECTED = "ditolak", _("ditolak")
    IMPORTING = "diimpor", _("sedang diimpor")
    COMMITTED = "selesai", _("selesai")
    FAILED = "gagal", _("gagal")


class Upload(models.Model):
    """One uploaded file. The bytes are kept with the record, so the preview, the confirm
    and the error report all read exactly the file the user sent (checked by its SHA-256),
    and a database backup carries the originals, until INTAKE_KEEP_DAYS (intake/retention.py)."""

    kind = models.CharField(_("jenis"), max_length=10, default="values")
    file_name = models.CharField(_("nama berkas"), max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("ukuran"))
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("waktu unggah"), auto_now_add=True)
    # Options given at upload: the default period and the kecamatan for matching by name.
    period = models.CharField(_("periode"), max_length=8, blank=True)
    # APBDes files: the budget stage chosen when sending (planning.models.Stage).
    budget_stage = models.CharField(_("tahap APBDes"), max_length=10, blank=True)
    kecamatan = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    message = models.TextField(_("pesan"), blank=True)
    rows = models.PositiveIntegerField(_("baris"), default=0)
    progress = models.PositiveIntegerField(_("baris diproses"), default=0)
    created = models.PositiveIntegerField(_("baru"), default=0)
    updated = models.PositiveIntegerField(_("berubah"), default=0)
    unchanged = models.PositiveIntegerField(_("tetap"), default=0)
    warnings = models.PositiveIntegerField(_("peringatan"), default=0)
    errors = models.PositiveIntegerField(_("galat"), default=0)
    committed_at = models.DateTimeField(_("waktu impor"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A big file is checked and imported by the background worker (intake/tasks.py): the
    # job's id, its error if it failed, and the preview it computed (the page shows that
    # instead of planning the whole file again in the request).
    job_id = models.CharField(_("pekerjaan"), max_length=64, blank=True)
    job_error = models.TextField(_("galat pekerjaan"), blank=True)
    preview = models.JSONField(_("pratinjau"), null=True, blank=True, editable=False)
    # When the content was deleted after INTAKE_KEEP_DAYS (intake/retention.py); the digest,
    # size and counts stay.
    content_expired_at = models.DateTimeField(_("isi dihapus"), null=True, blank=True)

    class Meta:
        verbose_name = _("unggahan")
        verbose_name_plural = _("unggahan")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def running(self) -> bool:
        """Checked or imported by the background worker right now (or waiting for it)."""
        return self.status in (Status.CHECKING, Status.IMPORTING)

    def save_record(self) -> None:
        """Save every field but the stored bytes and their expiry (intake.retention's): a
        status change then neither sends the file to the database again (nor, on
        PostgreSQL, leaves another copy of it in the table until vacuumed) nor brings back
        a content deleted meanwhile."""
        self.save(update_fields=RECORD_FIELDS)


RECORD_FIELDS = [
    f.name
    for f in Upload._meta.concrete_fields
    if not f.primary_key and f.name not in ("content", "content_expired_at")
]


class RegionAlias(models.Model):
    """A spelling variant of a desa name used in files ("Sendangadi" for "Sendang Adi")."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("nama lain"), max_length=100)

    class Meta:
        verbose_name = _("nama lain desa")
        verbose_name_plural = _("nama lain desa")
        constraints = [
            models.UniqueConstraint(fields=["region", "alias"], name="regionalias_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.alias} → {self.region_id}"


class IdmLeftover(models.Model):
    """A row of an IDM file that matched no desa of today's list (intake/idm.py), kept with
    the import that left it over. A later import of the same year replaces the leftovers
    of the area it covered, so the rows here are those still unresolved per year; the
    dashboards count them per province and kabupaten/kota (by the code's prefix)."""

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="idm_leftovers")
    year = models.PositiveSmallIntegerField(_("tahun"))
    row = models.PositiveIntegerField(_("baris"))
    code = models.CharField(_("kode"), max_length=20)
    name = models.CharField(_("nama desa"), max_length=100, blank=True)
    kabupaten = models.CharField(_("kabupaten/kota"), max_length=100, blank=True)
    province = models.CharField(_("provinsi"), max_length=100, blank=True)
    status = models.CharField(_("status IDM"), max_length=20, blank=True)
    reason = models.CharField(_("alasan"), max_length=200)

    class Meta:
        verbose_name = _("baris IDM tidak cocok")
        verbose_name_plural = _("baris IDM tidak cocok")
        ordering = ["year", "code", "row"]
        indexes = [models.Index(fields=["year", "code"], name="idmleftover_year_code")]

    def __str__(self) -> str:
        return f"{self.year} {self.code} {self.name}"
