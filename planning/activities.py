"""What can be done about a gap, and by whom: the declared mapping of planning/activities.yaml.

Each `Activity` names a basic-service sector of the catalogue and either a Permendagri
20/2018 kegiatan code the desa can budget itself (village authority) or a kabupaten OPD the
problem has to be sent to (Musrenbang kecamatan). The file is the source; `loadactivities`
brings the table in line with it in one transaction, and administrators add local entries in
the admin, which the loader leaves alone (like local indicators of the catalogue).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from planning.models import kegiatan_code_validator

ACTIVITIES_FILE = Path(__file__).with_name("activities.yaml")


class Authority(models.TextChoices):
    DESA = "desa", _("kewenangan desa")
    KABUPATEN = "kabupaten", _("kewenangan kabupaten (OPD)")


class Opd(models.TextChoices):
    DINKES = "dinkes", _("Dinas Kesehatan")
    DISDIK = "disdik", _("Dinas Pendidikan")
    PUPR = "pupr", _("Dinas Pekerjaan Umum dan Penataan Ruang")
    DINSOS = "dinsos", _("Dinas Sosial")
    DUKCAPIL = "dukcapil", _("Dinas Kependudukan dan Pencatatan Sipil")


class Activity(models.Model):
    key = models.CharField(_("kunci"), max_length=40, unique=True)
    sector = models.CharField(_("sektor"), max_length=40)
    authority = models.CharField(_("kewenangan"), max_length=10, choices=Authority.choices)
    kegiatan_code = models.CharField(
        _("kode kegiatan"), max_length=8, blank=True, validators=[kegiatan_code_validator]
    )
    opd = models.CharField(_("OPD"), max_length=10, choices=Opd.choices, blank=True)
    name = models.CharField(_("nama"), max_length=200)
    examples = models.CharField(_("contoh kegiatan"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_local = models.BooleanField(_("tambahan lokal"), default=True)

    class Meta:
        app_label = "planning"
        ordering = ["sector", "order", "key"]
        verbose_name = _("kegiatan yang disarankan")
        verbose_name_plural = _("kegiatan yang disarankan")

    def __str__(self) -> str:
        return f"{self.kegiatan_code or self.get_opd_display()} {self.name}"

    def clean(self) -> None:
        from catalog.models import Sector

        errors: dict[str, str] = {}
        if not Sector.objects.filter(code=self.sector).exists():
            errors["sector"] = str(_("Sektor tidak ada di katalog."))
        if self.authority == Authority.DESA and not self.kegiatan_code:
            errors["kegiatan_code"] = str(_("Kegiatan kewenangan desa memerlukan kode kegiatan."))
        if self.authority == Authority.KABUPATEN and not self.opd:
            errors["opd"] = str(_("Kegiatan kewenangan kabupaten memerlukan OPD."))
        if errors:
            raise ValidationError(errors)


@dataclass
class LoadResult:
    created: int
    updated: int
    removed: int


def _validated(data: Any, sectors: set[str]) -> list[dict[str, Any]]:
    if not isinstance(data, dict) or not isinstance(data.get("activities"), list):
        raise ValidationError("activities.yaml: daftar 'activities' tidak ada")
    problems: list[str] = []
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, raw in enumerate(data["activities"], start=1):
        key = str(raw.get("key", ""))
        row = {
            "key": key,
            "sector": str(raw.get("sector", "")),
            "authority": str(raw.get("authority", "")),
            "kegiatan_code": str(raw.get("kegiatan", "")),
            "opd": str(raw.get("opd", "")),
            "name": str(raw.get("name", "")),
            "examples": str(raw.get("examples", "")),
            "order": number,
            "is_local": False,
        }
        activity = Activity(**row)
        try:
            activity.full_clean(validate_unique=False)
        except ValidationError as error:
            problems.append(f"{number} ({key}): {'; '.join(error.messages)}")
        if key in seen:
            problems.append(f"{number} ({key}): kunci ganda")
        seen.add(key)
        if row["sector"] not in sectors:
            problems.append(f"{number} ({key}): sektor {row['sector']!r} tidak dikenal")
        rows.append(row)
    if problems:
        raise ValidationError(problems)
    return rows


def load_activities(path: Path = ACTIVITIES_FILE) -> LoadResult:
    """Validate the whole file, then create/update/remove the declared rows atomically."""
    from catalog.models import Sector

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = _validated(data, set(Sector.objects.values_list("code", flat=True)))
    created = updated = 0
    with transaction.atomic():
        existing = {a.key: a for a in Activity.objects.filter(is_local=False)}
        for row in rows:
            current = existing.pop(row["key"], None)
            if current is None:
                Activity.objects.create(**row)
                created += 1
            elif any(getattr(current, k) != v for k, v in row.items()):
                Activity.objects.filter(pk=current.pk).update(**row)
                updated += 1
        removed = Activity.objects.filter(pk__in=[a.pk for a in existing.values()]).delete()[0]
    return LoadResult(created, updated, removed)


def by_sector() -> dict[str, list[Activity]]:
    out: dict[str, list[Activity]] = {}
    for activity in Activity.objects.all():
        out.setdefault(activity.sector, []).append(activity)
    return out
