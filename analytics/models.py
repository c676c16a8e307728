"""Roll-ups: per region above desa, data element (or indicator) and period.

`region_code` is a plain string, not a foreign key, so that Indonesia can have a row too:
its code is NATIONAL ("ID", which no Kemendagri code can be). `level` is 0 for Indonesia,
1 provinsi, 2 kabupaten/kota, 3 kecamatan; it makes "all children of X" one index range.
"""

from __future__ import annotations

from django.db import models

from catalog.models import DataElement, Indicator, Period
from regions.codes import NATIONAL

__all__ = ["NATIONAL", "ElementRollup", "IndicatorRollup"]


class ElementRollup(models.Model):
    region_code = models.CharField(max_length=13)
    level = models.PositiveSmallIntegerField()
    element = models.ForeignKey(DataElement, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    # Σ over desa of the desa's value for the period (by the element's aggregation rule).
    total = models.FloatField()
    # Desa with a value for the period.
    reporting = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["element", "period", "region_code"], name="elementrollup_key"
            )
        ]
        indexes = [
            models.Index(fields=["element", "period", "level"], name="elementrollup_lvl"),
            # Subtree scans (rebuild of one kabupaten): LIKE 'code.%' on PostgreSQL whatever
            # the collation, a range on SQLite.
            models.Index(
                fields=["region_code"], name="elementrollup_code", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.element_id} {self.period_id}: {self.total:g}"


class IndicatorRollup(models.Model):
    """Σ numerator and Σ denominator over the desa that reported every element the indicator
    needs for the period — so a desa missing the numerator never adds its denominator."""

    region_code = models.CharField(max_length=13)
    level = models.PositiveSmallIntegerField()
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    numerator = models.FloatField()
    denominator = models.FloatField()
    reporting = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "region_code"], name="indicatorrollup_key"
            )
        ]
        indexes = [
            models.Index(fields=["indicator", "period", "level"], name="indicatorrollup_lvl"),
            models.Index(fields=["period", "region_code"], name="indicatorrollup_region"),
            models.Index(
                fields=["region_code"],
                name="indicatorrollup_code",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.indicator_id} {self.period_id}"
