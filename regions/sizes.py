"""Region sizes: how many current desa/kelurahan (and of them kelurahan) lie under each
region above desa, the 'expected' of coverage (analytics reads them; `loadregions`, a
roll-up rebuild and the demo seeders refresh them)."""

from __future__ import annotations

from collections import defaultdict

from regions.codes import NATIONAL, code_at
from regions.models import Kind, Level, Region, RegionSize


def refresh_region_sizes() -> None:
    """Count desa/kelurahan under every region above desa, inside the caller's transaction.

    Only current desa are expected: a code a later edition retired reports no more (its
    values of earlier years stay in the roll-ups)."""
    counts: dict[str, int] = defaultdict(int)
    kelurahan: dict[str, int] = defaultdict(int)
    for code, kind in (
        Region.objects.current()
        .filter(level=Level.DESA)
        .values_list("code", "kind")
        .iterator(chunk_size=20000)
    ):
        above = [code_at(code, level) for level in (3, 2, 1)] + [NATIONAL]
        for place in above:
            counts[place] += 1
            if kind == Kind.KELURAHAN:
                kelurahan[place] += 1
    RegionSize.objects.all().delete()
    RegionSize.objects.bulk_create(
        (RegionSize(region_code=c, desa=n, kelurahan=kelurahan[c]) for c, n in counts.items()),
        batch_size=5000,
    )
