"""The population profile of a desa: age groups × sex for one year, read from the values.

The OpenSID adapter (and Dukcapil files or the entry form) store the profile as the data
elements `PDDK_L_<group>` and `PDDK_P_<group>`; nothing is stored twice. From the profile:
- the pyramid drawn on the desa page (server-side SVG, `pyramid`);
- the target populations that `DERIVED` declares, each a weighted sum of age groups (a
  share of a five-year group assumes the ages in it are equally many);
- a check (`Reading.disagreements`) that flags a stored sector denominator differing from
  the derived one by more than `TOLERANCE`;
- on request of a writer, the derived targets saved as values (`derived_inputs`).
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.periods import PeriodType
from datavalues.models import DataValue
from datavalues.writing import ValueInput

GROUPS = (
    "0_4",
    "5_9",
    "10_14",
    "15_19",
    "20_24",
    "25_29",
    "30_34",
    "35_39",
    "40_44",
    "45_49",
    "50_54",
    "55_59",
    "60_64",
    "65_69",
    "70_74",
    "75_PLUS",
)

# Target populations derived from the profile: code → (age group, share of it) for both
# sexes. BALITA_SASARAN is the 0–59-month population (Permenkes 6/2024 sasaran balita).
DERIVED: dict[str, tuple[tuple[str, float], ...]] = {
    "BALITA_SASARAN": (("0_4", 1.0),),
    "PDDK_5_6": (("5_9", 0.4),),
    "PDDK_7_15": (("5_9", 0.6), ("10_14", 1.0), ("15_19", 0.2)),
    "PDDK_7_18": (("5_9", 0.6), ("10_14", 1.0), ("15_19", 0.8)),
}

# A stored denominator more than this share away from the derived one is flagged.
TOLERANCE = 0.2
SOURCE = "Profil penduduk"


def label_of(group: str) -> str:
    return "75+" if group == "75_PLUS" else group.replace("_", "–")


@dataclass(frozen=True, slots=True)
class AgeGroup:
    group: str
    male: int
    female: int

    @property
    def label(self) -> str:
        return label_of(self.group)


@dataclass(frozen=True, slots=True)
class Profile:
    year: int
    groups: tuple[AgeGroup, ...]

    @property
    def male(self) -> int:
        return sum(g.male for g in self.groups)

    @property
    def female(self) -> int:
        return sum(g.female for g in self.groups)

    @property
    def total(self) -> int:
        return self.male + self.female

    def derived(self, code: str) -> float:
        by_group = {g.group: g.male + g.female for g in self.groups}
        return sum(by_group[group] * share for group, share in DERIVED[code])


def _codes() -> list[str]:
    return [f"PDDK_{sex}_{group}" for sex in "LP" for group in GROUPS]


def _yearly_values(desa_code: str) -> dict[int, dict[str, float]]:
    """The yearly values of the profile and of the derived targets, by year (one query)."""
    by_year: dict[int, dict[str, float]] = {}
    for year, code, value in DataValue.objects.filter(
        region_id=desa_code,
        element__code__in=[*_codes(), *DERIVED],
        period__type=PeriodType.YEAR,
    ).values_list("period__year", "element__code", "value"):
        by_year.setdefault(year, {})[code] = value
    return by_year


@dataclass(frozen=True, slots=True)
class Target:
    code: str
    derived: float
    stored: float | None

    @property
    def share_off(self) -> float | None:
        if self.stored is None or self.derived <= 0:
            return None
        return abs(self.stored - self.derived) / self.derived

    @property
    def disagrees(self) -> bool:
        off = self.share_off
        return off is not None and off > TOLERANCE


@dataclass(frozen=True, slots=True)
class Reading:
    """What the values say of a desa's population: the years with a profile, the profile
    of the chosen year and its derived targets beside the stored ones."""

    years: list[int]
    profile: Profile | None
    targets: list[Target]

    @property
    def disagreements(self) -> list[Target]:
        return [t for t in self.targets if t.disagrees]


def read(desa_code: str, year: int | None = None) -> Reading:
    """The profile of the desa in `year` (the latest year that has one when None or when
    `year` has none)."""
    by_year = _yearly_values(desa_code)
    codes = set(_codes())
    years = sorted((y for y, found in by_year.items() if codes & found.keys()), reverse=True)
    if not years:
        return Reading([], None, [])
    if year not in years:
        year = years[0]
    found = by_year[year]
    groups = tuple(
        AgeGroup(
            group,
            round(found.get(f"PDDK_L_{group}", 0.0)),
            round(found.get(f"PDDK_P_{group}", 0.0)),
        )
        for group in GROUPS
    )
    profile = Profile(year=year, groups=groups)
    targets = [Target(code, profile.derived(code), found.get(code)) for code in DERIVED]
    return Reading(years, profile, targets)


# --- The pyramid, drawn 360 units wide: 12-unit text is 12 px on a 360 px phone. ---
WIDTH = 360.0
MID_W = 48.0  # the age labels, centred
ROW_H = 17.0
TOP = 20.0  # the sex headings


@dataclass(frozen=True, slots=True)
class PyramidRow:
    label: str
    y: str
    text_y: str
    male_x: str
    male_w: str
    female_x: str
    female_w: str
    title: str


@dataclass(frozen=True, slots=True)
class Pyramid:
    height: str
    rows: list[PyramidRow]
    mid: str
    left_heading_x: str
    right_heading_x: str
    bar_h: str


def _n(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def pyramid(profile: Profile) -> Pyramid:
    half = (WIDTH - MID_W) / 2
    largest = max([max(g.male, g.female) for g in profile.groups] + [1])
    rows = []
    # The oldest group on top, as a pyramid is read.
    for index, g in enumerate(reversed(profile.groups)):
        y = TOP + index * ROW_H
        male_w = half * g.male / largest
        female_w = half * g.female / largest
        rows.append(
            PyramidRow(
                label=g.label,
                y=_n(y + 1),
                text_y=_n(y + ROW_H - 4),
                male_x=_n(half - male_w),
                male_w=_n(male_w),
                female_x=_n(half + MID_W),
                female_w=_n(female_w),
                title=f"{g.label}: L {g.male}, P {g.female}",
            )
        )
    return Pyramid(
        height=_n(TOP + len(rows) * ROW_H + 2),
        rows=rows,
        mid=_n(WIDTH / 2),
        left_heading_x=_n(half),
        right_heading_x=_n(half + MID_W),
        bar_h=_n(ROW_H - 2),
    )


def derived_inputs(desa_code: str, reading: Reading, codes: set[str]) -> list[ValueInput]:
    """The derived targets of `codes` as values of the profile's year (whole people)."""
    if reading.profile is None:
        return []
    year = str(reading.profile.year)
    return [
        ValueInput(desa_code, t.code, year, float(round(t.derived)), SOURCE)
        for t in reading.targets
        if t.code in codes
    ]
