"""Which target is in force for an indicator, a region and a year: the one place that decides.

The most local target in force wins: the kabupaten/kota's own (its RPJMD), else the
province's, else the national one (catalogue.yaml). A desa or kecamatan is judged against
the targets of the kabupaten and the province it lies in. Every answer says which target
it is (level, region, basis document, years, whether the number was verified), so a page
can say "Target RPJMD Kabupaten Sleman (2021–2026)" rather than just a number.

`TargetBook.for_places` reads every local target of the places' provinces and kabupaten in
one query; national targets come with the indicator (prefetched in the catalogue
snapshot). Nothing here queries per indicator or per place.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from catalog.models import Indicator, RegionTarget, Target
from regions.codes import CODE_WIDTH, level_of
from regions.models import Level

NATIONAL_LEVEL = 0
# Levels that may set their own targets, most local first.
LOCAL_LEVELS = (Level.KABUPATEN, Level.PROVINSI)


@dataclass(frozen=True, slots=True)
class TargetInForce:
    """A target as figures and pages use it, with where it comes from."""

    value: float
    level: int  # 0 national, 1 province, 2 kabupaten/kota
    region_code: str | None
    region_name: str
    legal_basis: str
    valid_from: int
    valid_to: int | None
    verified: bool
    source_url: str = ""
    pk: int | None = None  # of the Target or RegionTarget row

    @property
    def is_local(self) -> bool:
        return self.level != NATIONAL_LEVEL

    @property
    def years(self) -> str:
        if self.valid_to is None:
            return _("sejak %(year)s") % {"year": self.valid_from}
        if self.valid_to == self.valid_from:
            return str(self.valid_from)
        return f"{self.valid_from}–{self.valid_to}"

    @property
    def source_name(self) -> str:
        """Whose target: "RPJMD Kabupaten Sleman", "RPJMD Provinsi DI Yogyakarta",
        "nasional"."""
        if self.level == Level.KABUPATEN:
            return _("RPJMD %(region)s") % {"region": self.region_name}
        if self.level == Level.PROVINSI:
            if self.region_name.lower().startswith("provinsi"):
                return _("RPJMD %(region)s") % {"region": self.region_name}
            return _("RPJMD Provinsi %(region)s") % {"region": self.region_name}
        return _("nasional")

    @property
    def label(self) -> str:
        """ "Target RPJMD Kabupaten Sleman (2021–2026)" or "Target nasional (2025–2029)"."""
        return _("Target %(source)s (%(years)s)") % {
            "source": self.source_name,
            "years": self.years,
        }

    @property
    def level_name(self) -> str:
        """The level by name, for the API: kabupaten, provinsi or nasional."""
        if self.level == Level.KABUPATEN:
            return "kabupaten"
        if self.level == Level.PROVINSI:
            return "provinsi"
        return "nasional"


def _in_force(valid_from: int, valid_to: int | None, year: int) -> bool:
    return valid_from <= year and (valid_to is None or year <= valid_to)


def national_target(indicator: Indicator, year: int) -> TargetInForce | None:
    """The national target in force in `year` (prefetch `targets`: no query then)."""
    for target in indicator.targets.all():
        if _in_force(target.valid_from, target.valid_to, year):
            return _national(target)
    return None


def _national(target: Target) -> TargetInForce:
    return TargetInForce(
        value=target.value,
        level=NATIONAL_LEVEL,
        region_code=None,
        region_name="Indonesia",
        legal_basis=target.legal_basis,
        valid_from=target.valid_from,
        valid_to=target.valid_to,
        verified=target.verified,
        source_url=target.source_url,
        pk=target.pk,
    )


def _local(row: RegionTarget, region_name: str) -> TargetInForce:
    return TargetInForce(
        value=row.value,
        level=level_of(row.region_id),
        region_code=row.region_id,
        region_name=region_name,
        legal_basis=row.basis,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        # Entered by the region's own officer from its own document (audited).
        verified=True,
        pk=row.pk,
    )


def local_codes(code: str | None) -> list[str]:
    """The codes whose local targets apply to a region, most local first: its kabupaten
    and its province (itself when it is one of them). None or "ID" (Indonesia): none."""
    if not code or not code[: CODE_WIDTH[Level.PROVINSI]].isdigit():
        return []
    level = level_of(code)
    return [code[: CODE_WIDTH[lv]] for lv in LOCAL_LEVELS if lv <= level]


@dataclass
class TargetBook:
    """Local targets (not ended) of some provinces and kabupaten, read once; answers
    `target(indicator, code, year)` for any region below them without a query."""

    # (indicator id, region code) → rows, oldest first
    local: dict[tuple[int, str], list[TargetInForce]] = field(default_factory=dict)

    @classmethod
    def for_places(
        cls, codes: Iterable[str | None], among: Collection[str] | None = None
    ) -> TargetBook:
        """The local targets that apply to `codes`. `among`: the regions known to have
        local targets (the catalogue snapshot's list): none of them above the places, no
        query."""
        wanted = sorted({c for code in codes for c in local_codes(code)})
        if among is not None:
            wanted = [c for c in wanted if c in among]
        if not wanted:
            return cls()
        rows = (
            RegionTarget.objects.filter(region_id__in=wanted, ended_at__isnull=True)
            .select_related("region")
            .only(
                "indicator_id",
                "region_id",
                "region__name",
                "value",
                "basis",
                "valid_from",
                "valid_to",
            )
            .order_by("valid_from", "pk")
        )
        local: dict[tuple[int, str], list[TargetInForce]] = {}
        for row in rows:
            local.setdefault((row.indicator_id, row.region_id), []).append(
                _local(row, row.region.name)
            )
        return cls(local)

    def local_target(
        self, indicator: Indicator, code: str | None, year: int
    ) -> TargetInForce | None:
        if not self.local:
            return None
        for region_code in local_codes(code):
            for target in self.local.get((indicator.pk, region_code), ()):
                if _in_force(target.valid_from, target.valid_to, year):
                    return target
        return None

    def target(self, indicator: Indicator, code: str | None, year: int) -> TargetInForce | None:
        """The target in force: kabupaten over province over national."""
        return self.local_target(indicator, code, year) or national_target(indicator, year)

    def local_in_force(
        self, indicator: Indicator, code: str | None, year: int
    ) -> list[TargetInForce]:
        """Every local target of `indicator` in force in `year` over the region `code`,
        most local first (the first one is the one that applies)."""
        return [
            t
            for region_code in local_codes(code)
            for t in self.local.get((indicator.pk, region_code), ())
            if _in_force(t.valid_from, t.valid_to, year)
        ]


NO_LOCAL_TARGETS = TargetBook()


def target_in_force(indicator: Indicator, code: str | None, year: int) -> TargetInForce | None:
    """One target (one query when a region is given): for single look-ups outside pages."""
    return TargetBook.for_places([code]).target(indicator, code, year)
