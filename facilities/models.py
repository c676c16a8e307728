"""The facilities register (the supply side): what service points each desa has.

Each facility belongs to one desa and has a type, a name, a status (active or not, since
a date), optional coordinates and the source it came from. The number of active
facilities of each type per desa is a data element (`ELEMENT_OF`), written through
`datavalues.writing.save_values` whenever the register changes (facilities/register.py).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from regions.models import Region


class FacilityType(models.TextChoices):
    POSYANDU = "posyandu", _("Posyandu")
    POLINDES = "polindes", _("Polindes/PKD")
    PUSTU = "pustu", _("Pustu")
    PUSKESMAS = "puskesmas", _("Puskesmas")
    PAUD = "paud", _("PAUD")
    SD = "sd", _("SD")
    SMP = "smp", _("SMP")
    AIR_MINUM = "air_minum", _("Sumber air minum")
    SANITASI = "sanitasi", _("Sanitasi komunal")


# The data element counting the active facilities of each type (catalog/catalogue.yaml).
ELEMENT_OF: dict[str, str] = {
    FacilityType.POSYANDU: "POSYANDU_JUMLAH",
    FacilityType.POLINDES: "POLINDES_JUMLAH",
    FacilityType.PUSTU: "PUSTU_JUMLAH",
    FacilityType.PUSKESMAS: "PUSKESMAS_JUMLAH",
    FacilityType.PAUD: "PAUD_SATUAN",
    FacilityType.SD: "SD_SATUAN",
    FacilityType.SMP: "SMP_SATUAN",
    FacilityType.AIR_MINUM: "SARANA_AIR_MINUM",
    FacilityType.SANITASI: "SANITASI_KOMUNAL",
}


class Facility(models.Model):
    desa = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("desa")
    )
    kind = models.CharField(_("jenis"), max_length=16, choices=FacilityType.choices)
    name = models.CharField(_("nama"), max_length=200)
    active = models.BooleanField(_("aktif"), default=True)
    status_date = models.DateField(_("sejak tanggal"))
    latitude = models.FloatField(
        _("lintang"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("bujur"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    source = models.CharField(_("sumber"), max_length=100, blank=True)
    # An identifier in the source system (Dapodik NPSN), so a second import finds the row.
    source_key = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("desa", "kind", "name")
        verbose_name = _("fasilitas")
        verbose_name_plural = _("fasilitas")
        indexes = [models.Index(fields=("desa", "kind"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"

    @property
    def element(self) -> str:
        return ELEMENT_OF[self.kind]
