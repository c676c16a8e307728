"""Keeping the roll-ups current: deltas in the writer's transaction, and a full rebuild.

- `deltas`: `apply_changes`, called by every write of data values in its transaction;
- `rebuild`: `rebuild_rollups`, `rebuild_indicators` (region sizes: regions.sizes);
- `kecamatan_sql`: the set-based kecamatan level of the rebuild;
- `kecamatan_python`: the same through the Python derivation (its reference);
- `compare`: levels above kecamatan, and stored against recomputed rows;

The read path (`fetch_points`) is analytics.reading; the database-specific bulk mechanisms
are datavalues.bulk. Names other code imports stay
importable from here.
"""

from __future__ import annotations

from analytics.reading import DesaPoints, fetch_points
from analytics.rollups.compare import FINITE_MAX, TOLERANCE, Fresh, RebuildReport
from analytics.rollups.deltas import (
    UPSERT_ROWS,
    Change,
    Key,
    SqlParams,
    UpsertRow,
    apply_changes,
    period_specs,
)
from analytics.rollups.kecamatan_sql import indicator_terms
from analytics.rollups.rebuild import rebuild_indicators, rebuild_rollups
from datavalues.bulk import WORK_MEM
from regions.codes import CODE_WIDTH

__all__ = [
    "CODE_WIDTH",
    "FINITE_MAX",
    "TOLERANCE",
    "UPSERT_ROWS",
    "WORK_MEM",
    "Change",
    "DesaPoints",
    "Fresh",
    "Key",
    "RebuildReport",
    "SqlParams",
    "UpsertRow",
    "apply_changes",
    "fetch_points",
    "indicator_terms",
    "period_specs",
    "rebuild_indicators",
    "rebuild_rollups",
]
