"""Rebuilding the roll-ups from the stored values, with a report of every difference."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import nullcontext

from django.db import connection, transaction

from analytics.derivation import (
    Catalogue,
)
from analytics.models import NATIONAL, ElementRollup, IndicatorRollup
from analytics.rollups.compare import RebuildReport, _fill_upper, _prepare_fresh, _reconcile
from analytics.rollups.kecamatan_python import _kecamatan_python
from analytics.rollups.kecamatan_sql import (
    ELEMENTS,
    INDICATORS,
    _create_temporary_tables,
    _drop_temporary_tables,
    _kecamatan_set_based,
    _Scope,
)
from catalog.models import Indicator
from datavalues.bulk import WORK_MEM, _bulk_load, _sqlite_sorting
from datavalues.models import DataValue
from regions.codes import CODE_WIDTH
from regions.models import Level, Region
from regions.sizes import refresh_region_sizes


def rebuild_rollups(
    *,
    region: str | None = None,
    indicators: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
    set_based: bool = True,
) -> RebuildReport:
    """Recompute roll-ups from raw values for `region` (all when None) and its ancestors,
    correcting and reporting every difference. Runs in one transaction.

    `set_based=False` computes every kecamatan row with the Python derivation (slower; the
    reference the set-based path is tested against)."""
    refs: list[int] | None = None
    if indicators is None:
        catalogue = Catalogue.load()
        fresh = not ElementRollup.objects.exists()
    else:
        # Only these indicators (a new or edited one): their elements, their rows.
        catalogue = Catalogue.load(list(Indicator.objects.filter(code__in=list(indicators))))
        refs = [info.id for info in catalogue.indicators.values()]
        fresh = not IndicatorRollup.objects.filter(indicator_id__in=refs).exists()
    report = RebuildReport(scope=region or NATIONAL, fresh=fresh)
    prefix: str | None = None
    if region and region != NATIONAL:
        found = Region.objects.filter(code=region).values_list("level", flat=True).first()
        if found is None:
            raise Region.DoesNotExist(
                f"Wilayah {region} tidak ada. / Region {region} does not exist."
            )
        prefix = str(region)[: CODE_WIDTH[min(found, Level.KECAMATAN)]]
    tables = (INDICATORS,) if refs is not None else (ELEMENTS, INDICATORS)
    scope = _Scope(prefix)
    with _sqlite_sorting(), transaction.atomic():
        if connection.vendor == "postgresql":
            # Sums over all values and joins of millions of rows: hash them in memory rather
            # than in many small batches on disk (this transaction only).
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        _create_temporary_tables()
        if set_based:
            if progress:
                progress("kecamatan (SQL)")
            elements, chosen = _kecamatan_set_based(catalogue, scope, refs is None)
        else:
            elements, chosen = set(catalogue.elements), list(catalogue.indicators.values())
        if refs is not None:
            elements = set()
        _kecamatan_python(catalogue, scope, elements, chosen, progress, set_based)
        _prepare_fresh()
        bulk = (
            connection.vendor == "postgresql"
            and refs is None
            and prefix is None
            and not ElementRollup.objects.exists()
            and not IndicatorRollup.objects.exists()
        )
        with _bulk_load((ElementRollup, IndicatorRollup)) if bulk else nullcontext():
            for level in (Level.KECAMATAN, Level.KABUPATEN, Level.PROVINSI, 0):
                level_prefix = prefix[: CODE_WIDTH[level]] if prefix and level else None
                for table in tables:
                    if level < Level.KECAMATAN:
                        _fill_upper(table, level, level_prefix, refs)
                    _reconcile(table, level, level_prefix, report, refs)
                if progress:
                    progress(f"tingkat {level} / level {level}")
        _drop_temporary_tables()
        if refs is None:
            refresh_region_sizes()
    return report


def rebuild_indicators(codes: Sequence[str]) -> RebuildReport | None:
    """After the catalogue changed these indicators: rebuild their roll-ups (only theirs)
    when any values exist."""
    if not codes or not DataValue.objects.exists():
        return None
    return rebuild_rollups(indicators=codes)
