"""The Kemendagri region hierarchy: one table, keyed by the dotted code.

The code prefix *is* the tree: `34` ⊃ `34.02` ⊃ `34.02.01` ⊃ `34.02.01.2001`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.text import plain_text
from regions.codes import ancestor_codes_of, level_of, parent_code_of, within_code

__all__ = [
    "Kind",
    "Level",
    "Region",
    "RegionQuerySet",
    "ancestor_codes_of",
    "level_of",
    "parent_code_of",
    "within_code",
]

EDITION_2025 = "Kepmendagri 300.2.2-2138/2025"


class Level(models.IntegerChoices):
    PROVINSI = 1, _("provinsi")
    KABUPATEN = 2, _("kabupaten/kota")
    KECAMATAN = 3, _("kecamatan")
    DESA = 4, _("desa/kelurahan")


class Kind(models.TextChoices):
    PROVINSI = "provinsi", _("Provinsi")
    KABUPATEN = "kabupaten", _("Kabupaten")
    KOTA = "kota", _("Kota")
    KECAMATAN = "kecamatan", _("Kecamatan")
    DISTRIK = "distrik", _("Distrik")
    DESA = "desa", _("Desa")
    KELURAHAN = "kelurahan", _("Kelurahan")
    DESA_ADAT = "desa_adat", _("Desa adat")


# (queryset, user, with_ancestors=…) → the regions of the queryset the user may see.
UserFilter = Callable[..., "RegionQuerySet"]


class RegionQuerySet(models.QuerySet["Region"]):
    def current(self) -> RegionQuerySet:
        """Regions of the edition loaded last (not retired by a later edition)."""
        return self.filter(retired_in="")

    def descendants_of(self, code: str) -> RegionQuerySet:
        return self.filter(within_code(code))

    def ancestors_of(self, code: str) -> RegionQuerySet:
        return self.filter(code__in=ancestor_codes_of(code)).order_by("level")

    def children_of(self, code: str | None) -> RegionQuerySet:
        if code is None:
            return self.filter(level=Level.PROVINSI)
        return self.filter(parent_id=code)

    def search(self, text: str) -> RegionQuerySet:
        # Typed text: control characters (NUL is refused by PostgreSQL) are not searched for.
        text = plain_text(text, multiline=False).strip()
        if text[:1].isdigit():
            # Undotted codes as printed in many spreadsheets ("3402012001") work too.
            digits = "".join(ch for ch in text if ch.isdigit())
            if "." not in text and len(digits) > 2:
                text = ".".join(
                    p for p in (digits[0:2], digits[2:4], digits[4:6], digits[6:10]) if p
                )
            return self.filter(Q(code=text) | within_code(text)) if text else self.none()
        return self.filter(name__icontains=text)

    # Set by accounts when it loads (accounts/apps.py): the scoping rules live there, and
    # regions, at the bottom of the dependencies, does not import accounts. None: deny.
    user_filter: ClassVar[UserFilter | None] = None

    def for_user(self, user: Any, *, with_ancestors: bool = False) -> RegionQuerySet:
        """Regions in the user's scope; `with_ancestors` adds the path down to them.

        The rules live in accounts.scoping; ancestors are for navigation, never for data.
        """
        rule = RegionQuerySet.user_filter
        if rule is None:
            return self.none()
        return rule(self, user, with_ancestors=with_ancestors)


class Region(models.Model):
    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(_("nama"), max_length=100)
    postal_code = models.CharField(_("kode pos"), max_length=5, blank=True)
    edition = models.CharField(_("edisi kode"), max_length=40, default=EDITION_2025)
    # The editions of the master list the code appears in: the first, the last loaded, and
    # the one that no longer has it ("" while current). A retired region is never deleted:
    # values of earlier years still hang off it; importers resolve it through the crosswalk.
    first_edition = models.CharField(_("edisi pertama"), max_length=60, default=EDITION_2025)
    last_edition = models.CharField(_("edisi terakhir"), max_length=60, default=EDITION_2025)
    retired_in = models.CharField(_("tidak berlaku sejak edisi"), max_length=60, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["level", "code"], name="region_level_code"),
            models.Index(fields=["name"], name="region_name"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_retired(self) -> bool:
        return bool(self.retired_in)

    @property
    def is_desa(self) -> bool:
        """A desa (or desa adat) has its own authority and budget; a kelurahan has neither."""
        return self.kind in (Kind.DESA, Kind.DESA_ADAT)

    @property
    def display_name(self) -> str:
        """The name as people say it: 'Kecamatan Wates', 'Desa Sendangsari'.

        Kabupaten and kota names already carry their kind in the master list.
        """
        if self.level in (Level.PROVINSI, Level.KABUPATEN):
            return self.name
        return f"{self.get_kind_display()} {self.name}"

    def ancestors(self) -> list[Region]:
        return list(Region.objects.ancestors_of(self.code))

    def successors(self) -> models.QuerySet[RegionCodeChange]:
        """Crosswalk entries naming the regions that carry this code today (one for a
        rename or move, several for a split)."""
        return RegionCodeChange.objects.filter(old_code=self.code).order_by("region_id")

    def descendants(self) -> RegionQuerySet:
        return Region.objects.descendants_of(self.code)


class RegionNameChange(models.Model):
    """A name that a later edition of the master list changed: kept so history stays readable."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="name_changes")
    old_name = models.CharField(max_length=100)
    new_name = models.CharField(max_length=100)
    edition = models.CharField(max_length=40)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.region_id}: {self.old_name} → {self.new_name}"


class CodeChangeKind(models.TextChoices):
    RENAME = "rename", _("ganti nama/kode")
    MOVE = "move", _("pindah induk")
    SPLIT = "split", _("pemekaran")
    MERGE = "merge", _("penggabungan")


class RegionCodeChange(models.Model):
    """A code of an earlier edition and the region that carries it now (the crosswalk).

    A merge is several old codes → one region; a split is one old code → several regions
    (importers resolve only an old code with exactly one region). `name_match` marks a
    match found by the same name in the same kabupaten/kota, not by an official list."""

    old_code = models.CharField(_("kode lama"), max_length=13, db_index=True)
    old_name = models.CharField(_("nama lama"), max_length=100, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="former_codes", verbose_name=_("wilayah")
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=CodeChangeKind.choices)
    edition = models.CharField(_("edisi kode lama"), max_length=60)
    source = models.CharField(_("sumber"), max_length=200)
    name_match = models.BooleanField(_("cocok nama"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("perubahan kode wilayah")
        verbose_name_plural = _("perubahan kode wilayah")
        ordering = ["old_code"]
        constraints = [
            models.UniqueConstraint(fields=["old_code", "region"], name="regioncodechange_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.old_code} → {self.region_id} ({self.kind})"


class Boundary(models.Model):
    """A region's polygon, simplified for the web and stored as a ready SVG path.

    Kept apart from Region so that listing thousands of regions never loads geometry.
    Coordinates are longitude and *negated* latitude (SVG's y grows downwards), in degrees.
    """

    region = models.OneToOneField(Region, on_delete=models.CASCADE, primary_key=True)
    svg_path = models.TextField()
    min_x = models.FloatField()
    min_y = models.FloatField()
    max_x = models.FloatField()
    max_y = models.FloatField()
    label_x = models.FloatField()
    label_y = models.FloatField()
    source = models.CharField(max_length=200, blank=True)
    repaired = models.BooleanField(default=False)
    imported_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"batas {self.region_id}"


class RegionSize(models.Model):
    """How many current desa/kelurahan each region above desa has (Indonesia as "ID"): the
    'expected' of coverage. Kept by regions.sizes.refresh_region_sizes."""

    region_code = models.CharField(max_length=13, primary_key=True)
    desa = models.IntegerField()  # desa and kelurahan
    kelurahan = models.IntegerField(default=0)  # of which kelurahan

    def __str__(self) -> str:
        return f"{self.region_code}: {self.desa}"
