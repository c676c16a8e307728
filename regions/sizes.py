"""Region sizes: how many current desa/kelurahan lie under each region above desa, the
'expected' of coverage (analytics reads them; `loadregions`, a roll-up rebuild and the demo
seeders refresh them)."""

from __future__ import annotations

from collections import defaultdict

from regions.codes import NATIONAL, code_at
from regions.models import Level, Region, RegionSize


def refresh_region_sizes() -> None:
    """Count desa/kelurahan under every region above desa, inside the caller's transaction.

    Only current desa are expected: a code a later edition retired reports no more (its
    values of earlier years stay in the roll-ups)."""
    counts: dict[str, int] = defaultdict(int)
    for code in (
        Region.objects.current()
        .filter(level=Level.DESA)
        .values_list("code", flat=True)
        .iterator(chunk_size=20000)
    ):
        for level in (3, 2, 1):
            counts[code_at(code, level)] += 1
        counts[NATIONAL] += 1
    RegionSize.objects.all().delete()
    RegionSize.objects.bulk_create(
        (RegionSize(region_code=c, desa=n) for c, n in counts.items()), batch_size=5000
    )
