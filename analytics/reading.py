"""Reading stored values for figures and roll-ups: one desa's points per element and period."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from analytics.derivation import (
    Catalogue,
)
from catalog.models import Period
from catalog.periods import PeriodSpec, PeriodType
from datavalues.models import DataValue

DesaPoints = dict[str, dict[PeriodSpec, float]]  # element code → stored period → value


def fetch_points(
    catalogue: Catalogue, desa: Iterable[str], element_codes: Iterable[str], years: Iterable[int]
) -> dict[str, DesaPoints]:
    """Stored values of these desa, elements and years: desa → element → period → value.

    One statement per 500 desa, written out rather than built by the ORM: every figure of a
    desa and every saved value comes through here, and building the query cost more than
    running it."""
    ids = sorted({catalogue.elements[c].id for c in element_codes})
    desa = sorted(set(desa))
    wanted_years = sorted(set(years))
    out: dict[str, DesaPoints] = {}
    if not ids or not desa or not wanted_years:
        return out
    qn = connection.ops.quote_name
    values, periods = qn(DataValue._meta.db_table), qn(Period._meta.db_table)
    specs: dict[tuple[int, int, int], PeriodSpec] = {}
    by_id = catalogue.element_by_id
    with connection.cursor() as cursor:
        for start in range(0, len(desa), 500):
            some = desa[start : start + 500]
            cursor.execute(
                f"SELECT v.region_id, v.element_id, p.year, p.first_month, p.type, v.value "  # noqa: S608
                f"FROM {values} v JOIN {periods} p ON p.id = v.period_id "
                f"WHERE v.region_id IN ({', '.join(['%s'] * len(some))}) "
                f"AND v.element_id IN ({', '.join(['%s'] * len(ids))}) "
                f"AND p.year IN ({', '.join(['%s'] * len(wanted_years))})",
                [*some, *ids, *wanted_years],
            )
            for region, element_id, year, month, ptype, value in cursor.fetchall():
                key = (year, month, ptype)
                spec = specs.get(key)
                if spec is None:
                    spec = specs[key] = PeriodSpec(year, month, PeriodType(ptype))
                code = by_id[element_id].code
                out.setdefault(region, {}).setdefault(code, {})[spec] = value
    return out
