"""Period codes: `2025` (year), `2025S1` (semester), `2025Q3` (quarter), `2025-07` (month).

A period is a run of whole months inside one year, so containment is a comparison of
month ranges and every period has a stable string code that sorts within its type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

_CODE = re.compile(r"^(?P<year>\d{4})(?:(?P<s>S[12])|(?P<q>Q[1-4])|-(?P<m>0[1-9]|1[0-2]))?$")

MIN_YEAR = 1990
MAX_YEAR = 2100


class PeriodType(IntEnum):
    """Ordered from fine to coarse, so `a < b` means "a is finer than b"."""

    MONTH = 1
    QUARTER = 2
    SEMESTER = 3
    YEAR = 4

    @property
    def slug(self) -> str:
        return {1: "month", 2: "quarter", 3: "semester", 4: "year"}[self.value]

    @classmethod
    def from_slug(cls, slug: str) -> PeriodType:
        for member in cls:
            if member.slug == slug:
                return member
        raise BadPeriod(
            format_lazy(
                _("Jenis periode {slug} tidak dikenal (year, semester, quarter, month)."),
                slug=repr(slug),
            )
        )

    @property
    def months(self) -> int:
        return {1: 1, 2: 3, 3: 6, 4: 12}[self.value]


class BadPeriod(ValueError):
    """A period code or type that does not parse; the message is in Indonesian and English."""


_TYPES = tuple(PeriodType)


@dataclass(frozen=True, order=True, slots=True)
class PeriodSpec:
    year: int
    first_month: int
    type: PeriodType

    def __hash__(self) -> int:
        # Specs are dictionary keys in tight loops (roll-up rebuilds); an int is cheapest.
        return self.year * 1000 + self.first_month * 10 + self.type

    @property
    def last_month(self) -> int:
        return self.first_month + self.type.months - 1

    @property
    def index(self) -> int:
        """1-based position in the year: semester 1–2, quarter 1–4, month 1–12, year 1."""
        return (self.first_month - 1) // self.type.months + 1

    @property
    def code(self) -> str:
        if self.type is PeriodType.YEAR:
            return f"{self.year}"
        if self.type is PeriodType.SEMESTER:
            return f"{self.year}S{self.index}"
        if self.type is PeriodType.QUARTER:
            return f"{self.year}Q{self.index}"
        return f"{self.year}-{self.first_month:02d}"

    def contains(self, other: PeriodSpec) -> bool:
        return (
            self.year == other.year
            and self.first_month <= other.first_month
            and other.last_month <= self.last_month
        )

    def containing(self, period_type: PeriodType) -> PeriodSpec:
        """The period of a coarser (or equal) type that contains this one (remembered, like
        `coarser`)."""
        key = (self.year * 100 + self.first_month) * 100 + self.type * 10 + period_type
        found = _CONTAINING.get(key)
        if found is not None:
            return found
        if period_type < self.type:
            raise BadPeriod(
                format_lazy(
                    _("{code} tidak termuat dalam satu periode {type}."),
                    code=self.code,
                    type=period_type.slug,
                )
            )
        size = period_type.months
        found = PeriodSpec(self.year, (self.first_month - 1) // size * size + 1, period_type)
        _CONTAINING[key] = found
        return found

    def shared(self) -> PeriodSpec:
        """The one remembered instance equal to this. Dictionaries keyed by periods find a
        shared instance by identity, without calling `__eq__` (roll-up rebuilds look up
        millions of them; `containing` and `coarser` return shared instances too)."""
        return self.containing(self.type)

    def coarser(self) -> tuple[PeriodSpec, ...]:
        """Every period strictly coarser than this one that contains it (remembered: roll-up
        rebuilds ask for it once per stored value)."""
        found = _COARSER.get(self)
        if found is None:
            found = _COARSER[self] = tuple(self.containing(t) for t in _TYPES if t > self.type)
        return found

    def parts(self, period_type: PeriodType) -> list[PeriodSpec]:
        """The periods of a finer (or equal) type that make up this one, in order."""
        if period_type > self.type:
            raise BadPeriod(f"{period_type.slug} lebih kasar dari {self.code}.")
        size = period_type.months
        return [
            PeriodSpec(self.year, month, period_type)
            for month in range(self.first_month, self.last_month + 1, size)
        ]

    def previous(self) -> PeriodSpec:
        """The period of the same type just before this one (2025Q1 → 2024Q4)."""
        if self.first_month == 1:
            return PeriodSpec(self.year - 1, 13 - self.type.months, self.type)
        return PeriodSpec(self.year, self.first_month - self.type.months, self.type)


# PeriodSpec → its coarser periods; a few thousand periods at most (1990–2100).
_COARSER: dict[PeriodSpec, tuple[PeriodSpec, ...]] = {}
# (year, first month, type, coarser type) packed in an int → the containing period.
_CONTAINING: dict[int, PeriodSpec] = {}


def parse_period(code: str) -> PeriodSpec:
    match = _CODE.match(code.strip()) if isinstance(code, str) else None
    if match is None:
        raise BadPeriod(
            format_lazy(
                _("Kode periode {code} tidak dikenali; contoh: 2025, 2025S1, 2025Q3, 2025-07."),
                code=repr(code),
            )
        )
    year = int(match["year"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadPeriod(
            format_lazy(
                _("Tahun {year} di luar rentang {first}–{last}."),
                year=year,
                first=MIN_YEAR,
                last=MAX_YEAR,
            )
        )
    if match["s"]:
        return PeriodSpec(year, (int(match["s"][1]) - 1) * 6 + 1, PeriodType.SEMESTER)
    if match["q"]:
        return PeriodSpec(year, (int(match["q"][1]) - 1) * 3 + 1, PeriodType.QUARTER)
    if match["m"]:
        return PeriodSpec(year, int(match["m"]), PeriodType.MONTH)
    return PeriodSpec(year, 1, PeriodType.YEAR)
