"""Data values per desa, data element and period, with an append-only history of changes.

Values are written only through `datavalues.writing.save_values`, which keeps the
roll-ups and the history in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from catalog.models import DataElement, Period
from regions.models import Region


class How(models.TextChoices):
    """The path a value arrived by; recorded on every history row."""

    FORM = "form", _("formulir")
    FILE = "file", _("berkas impor")
    API = "api", _("API")
    ADMIN = "admin", _("admin")
    SAMPLE = "contoh", _("data contoh")
    CORRECTION = "koreksi", _("koreksi")


SAMPLE_SOURCE = "contoh"


class DataValueQuerySet(models.QuerySet["DataValue"]):
    def plain_rows(self, *fields: str) -> Iterator[tuple[Any, ...]]:
        """The columns `fields` (plain names, e.g. `region_id`) as the database returns
        them: the query Django builds, without its per-row conversion (about 1 µs a row,
        a third of reading a million values). Only for columns whose database type is
        already the Python one: ids, codes, floats."""
        sql, params = self.values_list(*fields).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(20_000):
                yield from rows


class DataValue(models.Model):
    # No index of its own: the unique key (region, element, period) starts with it, and a
    # million-row import pays for every index (plus its pattern-ops twin on PostgreSQL).
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="data_values", db_index=False
    )
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="values")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="values")
    value = models.FloatField(_("nilai"))
    # Where the figure came from ("e-PPGBM", "Dapodik", "contoh" for sample data …).
    source = models.CharField(_("sumber"), max_length=60, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = DataValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("nilai data")
        verbose_name_plural = _("nilai data")
        constraints = [
            # Desa first: a desa's values are read together (figures, roll-up deltas, rebuild).
            models.UniqueConstraint(
                fields=["region", "element", "period"], name="datavalue_unique_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.element_id} {self.period_id} = {self.value:g}"

    def history(self) -> models.QuerySet[ValueChange]:
        return ValueChange.objects.filter(
            region_id=self.region_id, element_id=self.element_id, period_id=self.period_id
        ).order_by("changed_at", "id")


class ValueChange(models.Model):
    """One change of one value. Rows are only ever added: the application never edits them.

    Keyed by the natural key rather than by DataValue, so the history of a deleted value
    stays readable.
    """

    # No indexes of their own: `valuechange_key` (region, element, period) serves every read,
    # and each index costs every written row (a quarter of a file import's history writing).
    # Deleting an element, a period or a user account scans the history instead: rare
    # administrative acts (accounts are deactivated, not deleted).
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_index=False)
    element = models.ForeignKey(
        DataElement, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+", db_index=False)
    old_value = models.FloatField(_("nilai lama"), null=True, blank=True)
    new_value = models.FloatField(_("nilai baru"), null=True, blank=True)
    source = models.CharField(_("sumber"), max_length=60, blank=True)
    how = models.CharField(_("cara"), max_length=10, choices=How.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    changed_at = models.DateTimeField(_("waktu"), auto_now_add=True)
    # The uploaded file the change came from (file imports); empty for forms and the API.
    upload = models.ForeignKey(
        "intake.Upload",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unggahan"),
    )

    class Meta:
        verbose_name = _("riwayat nilai")
        verbose_name_plural = _("riwayat nilai")
        indexes = [
            models.Index(fields=["region", "element", "period"], name="valuechange_key"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.element_id} {self.period_id}: {self.old_value} → {self.new_value}"


# The approval workflow's tables live in datavalues/approval.py; imported here so that
# Django registers them with this app.
from datavalues.approval import ApprovalStep, PeriodApproval  # noqa: E402, F401
