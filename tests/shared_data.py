"""Data many tests share, built once per test process instead of once per test.

A test asks for shared data by fixture, as before: `diy_regions`, `national_regions`,
`catalogue`, `sleman_sample_data` (behind `sleman` of tests/dashboard_fixtures.py) and
`sleman_planning_data`. Before
the test's transaction begins, the database is brought to hold exactly the parts the test
asks for, committed; the test's own writes roll back and the parts stay for the next test.
A test that asks for nothing sees an empty database, as before.

The suite is ordered so that tests asking for the same parts run one after another, parts
only ever added along the way (see `ORDER`); a test that needs fewer parts, or comes after a
transactional test (whose flush empties every table), gets the database flushed and the
parts it needs loaded again. A part asked for only inside the test body (`getfixturevalue`)
is loaded inside the test's transaction, as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from io import StringIO

from django.core.management import call_command

# Building order: regions before the catalogue, both before the sample values, and those
# before the sample planning records (which evaluate them).
PARTS = (
    "national_regions",
    "diy_regions",
    "catalogue",
    "sleman_sample_data",
    "sleman_planning_data",
)
# The years of `sleman_sample_data`.
SAMPLE_YEARS = (2024, 2025)

DIY = frozenset({"diy_regions"})
CATALOGUE = frozenset({"catalogue"})
SLEMAN = frozenset({"diy_regions", "catalogue", "sleman_sample_data"})
PLANNING = SLEMAN | {"sleman_planning_data"}
NATIONAL = frozenset({"national_regions"})
# Run order of the sets; each step from one to the next adds parts without a flush, but
# the national master list comes first: its few tests are the longest and start at once.
ORDER: tuple[frozenset[str], ...] = (
    CATALOGUE | NATIONAL,
    NATIONAL,
    frozenset[str](),
    DIY,
    DIY | CATALOGUE,
    SLEMAN,
    PLANNING,
    CATALOGUE,
)

# What the database of this process holds, committed; None: not known (check it first).
_held: frozenset[str] | None = None
# The running test is transactional: its teardown flushes every table.
_flushed_after_test = False


def parts_for(fixturenames: Iterable[str]) -> frozenset[str]:
    """The parts a test with these fixtures (the whole closure) needs."""
    parts = set(fixturenames) & set(PARTS)
    if "sleman_planning_data" in parts:
        parts.add("sleman_sample_data")
    if "sleman_sample_data" in parts:
        # `seeddemo` loads the catalogue when it is absent.
        parts |= {"diy_regions", "catalogue"}
    if "national_regions" in parts:
        parts.discard("diy_regions")  # the whole master list holds DI Yogyakarta
    return frozenset(parts)


def run_order(parts: frozenset[str], uses_db: bool) -> tuple[int, int, tuple[str, ...]]:
    """Sort key: by the sets of `ORDER`; among tests without shared data, those that do not
    touch the test database first (some run subprocesses for a minute, better started early)."""
    rank = ORDER.index(parts) if parts in ORDER else len(ORDER)
    return (rank, int(uses_db or bool(parts)), tuple(sorted(parts)))


def load(part: str) -> None:
    """Load one part into the database, as the fixture of that name always did."""
    if part == "diy_regions":
        from regions.loading import load_regions

        load_regions(provinces=["34"])
    elif part == "national_regions":
        from regions.loading import load_regions

        load_regions()
    elif part == "catalogue":
        from catalog.loading import load_catalogue

        load_catalogue()
    elif part == "sleman_sample_data":
        from regions.sizes import refresh_region_sizes

        first, last = SAMPLE_YEARS
        call_command("seeddemo", "--years", f"{first}-{last}", stdout=StringIO())
        call_command("seeddemobudget", "--years", f"{first}-{last}", stdout=StringIO())
        refresh_region_sizes()
    elif part == "sleman_planning_data":
        _load_planning()
    else:
        raise ValueError(part)


def _load_planning() -> None:
    """On top of the sample values: last year's values (when they are not among them), APBDes
    lines of last year and this year, and `seeddemoplanning`, which evaluates those."""
    from django.utils import timezone

    year = timezone.localdate().year - 1
    if year not in SAMPLE_YEARS:
        call_command("seeddemo", "--years", str(year), stdout=StringIO())
    budget_years = [y for y in (year, year + 1) if y not in SAMPLE_YEARS]
    if budget_years:
        years = f"{budget_years[0]}-{budget_years[-1]}"
        call_command("seeddemobudget", "--years", years, stdout=StringIO())
    call_command("seeddemoplanning", stdout=StringIO())


def _looks_empty() -> bool:
    from catalog.models import DataElement
    from datavalues.models import DataValue
    from regions.models import Region

    return not (
        Region.objects.exists() or DataElement.objects.exists() or DataValue.objects.exists()
    )


def _flush() -> None:
    call_command("flush", interactive=False, verbosity=0)


def hold(parts: frozenset[str]) -> None:
    """Commit exactly `parts` to the database (outside any test transaction)."""
    global _held, _flushed_after_test
    if _flushed_after_test:
        _held, _flushed_after_test = None, False
    if _held is None:
        if not _looks_empty():
            _flush()
        _held = frozenset()
    if _held == parts:
        return
    if not _held <= parts or ("national_regions" in parts and "diy_regions" in _held):
        _flush()
        _held = frozenset()
    for part in PARTS:
        if part in parts and part not in _held:
            load(part)
            _held = _held | {part}


def flushed_after_test() -> None:
    """The running test is transactional: what it leaves behind is flushed, not rolled back."""
    global _flushed_after_test
    _flushed_after_test = True


def ensure(part: str) -> None:
    """Inside a test: the part is already held, or it is loaded now (and rolled back)."""
    held = _held or frozenset()
    if part == "diy_regions" and "national_regions" in held:
        return
    if part not in held:
        load(part)
