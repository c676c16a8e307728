"""Reports prepared in the background: who asked for which report, its progress and file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from regions.models import Region


class ReportKind(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel"


class ReportStatus(models.TextChoices):
    QUEUED = "antre", _("menunggu giliran")
    RUNNING = "berjalan", _("sedang disiapkan")
    DONE = "siap", _("siap diunduh")
    FAILED = "gagal", _("gagal")


class PreparedReport(models.Model):
    """One report asked for on the kecamatan page ("Siapkan laporan"), built by the worker.

    The sectors are those the owner could see when asking, so the file holds nothing the
    owner may not read; only the owner sees the row (reports.views). Rows older than
    REPORT_KEEP_HOURS are deleted when the next report is asked for.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    kind = models.CharField(_("jenis"), max_length=4, choices=ReportKind.choices)
    sectors = models.JSONField(null=True, blank=True)  # None: every sector
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    error = models.TextField(_("galat"), blank=True)
    content = models.BinaryField(default=b"")
    size = models.PositiveIntegerField(_("ukuran"), default=0)
    job_id = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(_("dibuat"), auto_now_add=True, db_index=True)
    finished = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        verbose_name = _("laporan yang disiapkan")
        verbose_name_plural = _("laporan yang disiapkan")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"laporan {self.kind} {self.region_id} {self.year} ({self.status})"

    @property
    def running(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)

    @property
    def filename(self) -> str:
        return f"laporan-{self.region_id}-{self.year}.{self.kind}"
