"""The catalogue held in memory between requests.

Every figure needs the indicator (with its sector and targets) and the data elements it
names. Reading them costs four ORM queries, and on two cores building those queries costs
more than running them: about half of a figure request. The catalogue changes rarely
(`loadcatalog`, the admin), so each process keeps one snapshot and checks, with one small
query, that the catalogue stamp (catalog.models.CatalogueStamp, changed in the same
transaction as every change to the catalogue) still has the token the snapshot was read
under. A different token, or none, means reading the catalogue again.

The snapshot's objects are shared by every request of the process: read them, never change
them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch

from analytics.derivation import Catalogue
from catalog.models import CatalogueStamp, DataElement, Indicator, RegionTarget, Target


@dataclass(frozen=True, slots=True)
class CatalogueSnapshot:
    token: str | None
    indicators: tuple[Indicator, ...]  # catalogue order, sector and targets loaded
    by_code: dict[str, Indicator]
    catalogue: Catalogue
    elements: dict[str, DataElement]  # by code, with their names (for labels on pages)
    # Provinces and kabupaten with a local target not ended: a page whose places lie under
    # none of them skips the query for local targets (catalog/targets.py).
    local_target_regions: frozenset[str] = frozenset()

    def indicators_named(self, codes: set[str]) -> list[Indicator]:
        return [i for i in self.indicators if i.code in codes]


_lock = threading.Lock()
_held: CatalogueSnapshot | None = None


def _stored_token() -> str | None:
    table = connection.ops.quote_name(CatalogueStamp._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE id = %s", [CatalogueStamp.SINGLETON])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


def _read(token: str | None) -> CatalogueSnapshot:
    indicators = tuple(
        Indicator.objects.select_related("sector").prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("valid_from"))
        )
    )
    return CatalogueSnapshot(
        token=token,
        indicators=indicators,
        by_code={i.code: i for i in indicators},
        catalogue=Catalogue.load(),
        elements={e.code: e for e in DataElement.objects.all()},
        local_target_regions=frozenset(
            RegionTarget.objects.filter(ended_at__isnull=True)
            .values_list("region_id", flat=True)
            .distinct()
        ),
    )


def held_snapshot() -> CatalogueSnapshot | None:
    """The snapshot this process holds, without checking the stamp: for a page that has just
    read the catalogue through catalogue_snapshot() in the same request."""
    return _held


def catalogue_snapshot() -> CatalogueSnapshot:
    """The current catalogue: the one in memory if the stamp has not changed since."""
    global _held
    token = _stored_token()  # read before the catalogue: a later change shows as a mismatch
    held = _held
    if held is not None and token is not None and held.token == token:
        return held
    snapshot = _read(token)
    if token is not None:
        with _lock:
            _held = snapshot
    return snapshot
