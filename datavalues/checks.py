"""The checks of one value, the same on every path that writes one.

A value (desa, data element, period, number) may be written when:
- the desa is a known desa or kelurahan, and the writer may write there (accounts.scoping:
  `Scope.write_sectors`; no scope for commands run by the operator);
- the period parses and has begun (a future period is refused);
- the element is known, of a sector the writer may write, reported per the period's type,
  and not desa-only when the region is a kelurahan (catalog/validation_rules.yaml);
- the number is one the element accepts (`DataElement.check_value`: finite, sign, whole,
  yes/no, and at most the element's maximum or its type's cap);
- the desa's period is not approved (locked until the kecamatan reopens it).

`ValueChecker` applies them with per-import caches; the file planner
(intake.importing) and `save_values` (datavalues.writing) both use it, so the entry form,
files, the API, `importidm`, the sample data and the source adapters get the same rules.
Rules across values (numerator ≤ denominator, outliers) are in datavalues.validation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from django.utils import timezone

from catalog.models import DataElement
from catalog.periods import BadPeriod, PeriodSpec, PeriodType, parse_period
from datavalues import approval
from datavalues.validation import rules
from regions.models import Kind, Level, Region

if TYPE_CHECKING:
    from accounts.scoping import Scope


def unknown_desa(code: str) -> str:
    return f"{code!r} bukan kode desa/kelurahan yang dikenal / unknown desa code"


def outside_scope(code: str) -> str:
    return f"{code} di luar wilayah yang boleh Anda isi / outside your scope"


def type_name(period_type: PeriodType) -> str:
    return {
        PeriodType.MONTH: "bulan",
        PeriodType.QUARTER: "triwulan",
        PeriodType.SEMESTER: "semester",
        PeriodType.YEAR: "tahun",
    }[period_type]


def check_period(code: str, today: date) -> tuple[str, str]:
    """(the period's canonical code, why it is refused or "")."""
    if not code:
        return "", "periode kosong / empty period"
    try:
        spec = parse_period(code)
    except BadPeriod as exc:
        return "", str(exc)
    if date(spec.year, spec.first_month, 1) > today:
        return "", f"periode {spec.code} belum dimulai / the period is in the future"
    return spec.code, ""


class RegionCheck(NamedTuple):
    kind: str  # Kind.DESA or Kind.KELURAHAN ("" when unknown)
    problem: str  # why values of this region are refused, or ""
    sectors: frozenset[str] | None  # the sectors the writer may write there (None: all)


class PeriodCheck(NamedTuple):
    code: str
    problem: str
    spec: PeriodSpec | None


class ElementProblem(NamedTuple):
    field: str  # "element", "period" or "value": which part of the value is wrong
    message: str


class ValueChecker:
    """The per-value checks with the caches of one batch or file (regions, periods,
    locks). `scope=None`: no limit on who writes (a command run by the operator)."""

    def __init__(
        self,
        elements: Mapping[str, DataElement],
        *,
        scope: Scope | None = None,
        today: date | None = None,
    ) -> None:
        self.elements = elements
        self.scope = scope
        self.today = today or timezone.localdate()
        self.desa_only = rules().desa_only
        self.kinds: dict[str, str] = {}
        self.parents: dict[str, str] = {}
        self._regions: dict[str, RegionCheck] = {}
        self._periods: dict[str, PeriodCheck] = {}
        self._sector_of = {code: e.sector.code for code, e in elements.items()}
        self.locks: dict[str, list[tuple[int, int, int]]] = {}
        self._locks_loaded: set[str] = set()

    @classmethod
    def for_codes(
        cls, codes: Iterable[str], *, scope: Scope | None = None, today: date | None = None
    ) -> ValueChecker:
        """A checker knowing the elements named in `codes` (unknown codes are refused)."""
        elements = {
            e.code: e
            for e in DataElement.objects.filter(code__in=set(codes)).select_related("sector")
        }
        return cls(elements, scope=scope, today=today)

    # -- regions -------------------------------------------------------------------------

    def load_regions(self, codes: Iterable[str]) -> None:
        """Read the kind of every desa among `codes` not read yet (900 per query)."""
        missing = sorted(set(codes) - self.kinds.keys() - self._regions.keys())
        for start in range(0, len(missing), 900):
            # A desa retired by a later edition takes no new values (regions.crosswalk).
            for code, kind, parent in (
                Region.objects.current()
                .filter(code__in=missing[start : start + 900], level=Level.DESA)
                .values_list("code", "kind", "parent_id")
            ):
                self.kinds[code] = kind
                self.parents[code] = parent or ""

    def region(self, code: str) -> RegionCheck:
        """The check of a desa (after `load_regions`)."""
        found = self._regions.get(code)
        if found is None:
            found = self._regions[code] = self._check_region(code)
        return found

    def _check_region(self, code: str) -> RegionCheck:
        kind = self.kinds.get(code)
        if kind is None:
            return RegionCheck("", unknown_desa(code), None)
        sectors = self.scope.write_sectors(code) if self.scope is not None else None
        if sectors is not None and not sectors:
            return RegionCheck(kind, outside_scope(code), None)
        return RegionCheck(kind, "", sectors)

    # -- periods -------------------------------------------------------------------------

    def period(self, code: str) -> PeriodCheck:
        found = self._periods.get(code)
        if found is None:
            canonical, problem = check_period(code, self.today)
            spec = parse_period(canonical) if not problem else None
            found = self._periods[code] = PeriodCheck(canonical, problem, spec)
        return found

    # -- the element of a value ----------------------------------------------------------

    def element(
        self, code: str, region: RegionCheck, spec: PeriodSpec
    ) -> tuple[DataElement | None, ElementProblem | None]:
        """The element `code` for a value of `region` in `spec`, or why it is refused."""
        element = self.elements.get(code)
        if element is None:
            return None, ElementProblem(
                "element", f"kode data {code!r} tidak dikenal / unknown element"
            )
        if region.sectors is not None and self._sector_of[code] not in region.sectors:
            return None, ElementProblem(
                "value",
                f"{code}: sektor {self._sector_of[code]} di luar sektor yang boleh Anda isi / "
                "outside the sectors you may write",
            )
        if region.kind == Kind.KELURAHAN and code in self.desa_only:
            return None, ElementProblem(
                "value", f"{code} hanya untuk desa, bukan kelurahan / only for desa, not kelurahan"
            )
        expected = element.period_type_enum
        if spec.type != expected:
            return None, ElementProblem(
                "period",
                f"{code} dilaporkan per {type_name(expected)}, bukan {spec.code} / "
                f"{code} is reported per {expected.slug}, not {spec.code}",
            )
        return element, None

    # -- approved periods ----------------------------------------------------------------

    def load_locks(self, regions: Iterable[str]) -> None:
        new = set(regions) - self._locks_loaded
        if new:
            self.locks.update(approval.locked_keys(new))
            self._locks_loaded |= new

    def locked(self, region: str, period_code: str) -> bool:
        """Whether the value lies in an approved period of its desa (after `load_locks`)."""
        return region in self.locks and approval.is_locked(self.locks, region, period_code)


LOCKED_MESSAGE = approval.LOCKED_MESSAGE
