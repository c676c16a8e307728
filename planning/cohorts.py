"""Programme cohorts: a named set of kecamatan a programme (e.g. P3PD) works with.

`loadcohort NAME FILE` reads kecamatan codes (one per line, or the first column of a CSV;
blank lines and lines starting with # are skipped) and makes them the cohort's members in
one transaction: every code must be a loaded kecamatan, or nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import scope_of
from regions.models import Level, Region

CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")


class Cohort(models.Model):
    name = models.CharField(_("nama program"), max_length=120, unique=True)
    # Sample cohorts (seeddemoplanning) are labelled "Data contoh" on their pages.
    sample = models.BooleanField(_("contoh"), default=False)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        app_label = "planning"
        ordering = ["name"]
        verbose_name = _("kohort program")
        verbose_name_plural = _("kohort program")

    def __str__(self) -> str:
        return self.name


class CohortMember(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="members")
    kecamatan = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")

    class Meta:
        app_label = "planning"
        constraints = [
            models.UniqueConstraint(fields=["cohort", "kecamatan"], name="cohort_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id}: {self.kecamatan_id}"


class BadCohort(ValueError):
    """A cohort file that cannot be loaded (the message names the lines, in Indonesian)."""


@dataclass
class Loaded:
    cohort: Cohort
    members: int
    created: bool


def read_codes(lines: Iterable[str]) -> list[str]:
    codes: list[str] = []
    bad: list[str] = []
    for number, line in enumerate(lines, start=1):
        text = line.strip().lstrip("\ufeff")
        if not text or text.startswith("#"):
            continue
        first = text.split(",")[0].split(";")[0].strip().strip('"')
        if number == 1 and not CODE.match(first) and not first[:1].isdigit():
            continue  # a header row
        if not CODE.match(first):
            bad.append(f"baris {number}: {first[:20]!r}")
            continue
        codes.append(first)
    if bad:
        raise BadCohort(
            "Kode kecamatan tidak valid (bentuk 34.04.01) / invalid kecamatan codes: "
            + ", ".join(bad[:10])
        )
    if not codes:
        raise BadCohort("Berkas tidak memuat kode kecamatan. / The file holds no kecamatan code.")
    return list(dict.fromkeys(codes))


def load_cohort(name: str, lines: Iterable[str]) -> Loaded:
    name = name.strip()
    if not name:
        raise BadCohort("Nama program wajib diisi. / The programme needs a name.")
    codes = read_codes(lines)
    known = set(
        Region.objects.filter(code__in=codes, level=Level.KECAMATAN).values_list("code", flat=True)
    )
    missing = [c for c in codes if c not in known]
    if missing:
        raise BadCohort(
            f"{len(missing)} kode bukan kecamatan yang dimuat / not loaded kecamatan: "
            + ", ".join(missing[:10])
        )
    with transaction.atomic():
        cohort, created = Cohort.objects.get_or_create(name=name)
        cohort.members.all().delete()
        CohortMember.objects.bulk_create(
            [CohortMember(cohort=cohort, kecamatan_id=c) for c in codes], batch_size=2000
        )
        cohort.save(update_fields=["updated_at"])
    return Loaded(cohort, len(codes), created)


def visible_cohorts(user: object) -> QuerySet[Cohort]:
    """The cohorts whose monitoring `user` may open: every one for a national scope, those
    of its `program` assignments for a programme secretariat, else none."""
    scope = scope_of(user)
    if scope.national:
        return Cohort.objects.all()
    return Cohort.objects.filter(pk__in=sorted(scope.cohorts))
