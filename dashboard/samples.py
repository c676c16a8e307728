"""Is what a page shows sample data? Pages say so in a banner ("data contoh").

Checked on one desa — the first in code order under the region — in one bounded query: a
scan for the absence of sample values over a whole kabupaten (or Indonesia) would read
millions of rows, and sample data is loaded for whole kabupaten at a time (`seeddemo`).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Subquery

from datavalues.models import SAMPLE_SOURCE, DataValue
from regions.models import Level, Region, within_code


def sample_data_under(code: str | None) -> str | None:
    """The code of the desa whose sample values were found, or None when the data is real
    (or absent). Above kecamatan level the page links to that desa's kecamatan: the way a
    newcomer on the national page reaches a kecamatan with data."""
    if code is not None and code.count(".") == 3:
        first_desa: Subquery | str = code  # a desa: itself
    else:
        desa = Region.objects.filter(level=Level.DESA)
        if code is not None:
            desa = desa.filter(within_code(code))
        # Only desa that have values at all: the first desa of a kabupaten may be empty.
        has_values = DataValue.objects.filter(region_id=OuterRef("code"))
        first_desa = Subquery(desa.filter(Exists(has_values)).order_by("code").values("code")[:1])
    # No ORDER BY: with one, PostgreSQL walked the primary key of every value looking for
    # the first sample row (minutes on the national data) instead of the desa's key range.
    found = list(
        DataValue.objects.filter(region_id=first_desa, source=SAMPLE_SOURCE)
        .order_by()
        .values_list("region_id", flat=True)[:1]
    )
    return found[0] if found else None
