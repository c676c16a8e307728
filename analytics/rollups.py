"""Keeping the roll-ups current: deltas in the writer's transaction, and a full rebuild.

Every write of data values calls `apply_changes` inside its own transaction. For the
desa touched, it reads their values of the affected elements once (new state from the
database, old state by reverting the changes in memory), derives every period whose
figure may move, and turns the differences into one batch of additive upserts per table:

    INSERT … ON CONFLICT (key) DO UPDATE SET total = total + excluded.total, …

Additive upserts commute, so two writers touching the same kecamatan row never lose an
update on PostgreSQL (the row lock is taken by the upsert itself, in sorted key order to
avoid deadlocks). What is *not* additive is a desa's own derived value ('last', 'average',
"has this desa reported this year"), so writers lock the desa rows first
(`select_for_update`) and two writers of one desa run one after the other. SQLite runs
every write transaction alone (BEGIN IMMEDIATE).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q

from analytics.derivation import (
    Catalogue,
    all_periods,
    ancestors,
    contribution,
    derive,
    element_periods,
    indicator_periods,
)
from analytics.models import NATIONAL, ElementRollup, IndicatorRollup, RegionSize
from catalog.models import Indicator, Period
from catalog.periods import PeriodSpec, PeriodType
from datavalues.models import DataValue
from regions.models import Level, Region, within_code

CODE_WIDTH = {0: 0, 1: 2, 2: 5, 3: 8, 4: 13}


def within_code_of(field: str, code: str) -> Q:
    """`field` lies strictly below `code`."""
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gt": code + ".", f"{field}__lt": code + "/"})
    return Q(**{f"{field}__startswith": code + "."})


def code_or_under(field: str, code: str) -> Q:
    """`field` equals `code` or lies below it (see regions.models.within_code for why the
    two databases need different forms)."""
    return Q(**{field: code}) | within_code_of(field, code)


# Relative tolerance when comparing a stored sum with a recomputed one: sums of
# fractional scores built by deltas may differ from a fresh sum in the last bits.
TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class Change:
    desa: str
    element: str
    period: PeriodSpec
    old: float | None
    new: float | None


DesaPoints = dict[str, dict[PeriodSpec, float]]  # element code → stored period → value


def fetch_points(
    catalogue: Catalogue, desa: Iterable[str], element_codes: Iterable[str], years: Iterable[int]
) -> dict[str, DesaPoints]:
    """Stored values of these desa, elements and years: desa → element → period → value."""
    ids = [catalogue.elements[c].id for c in element_codes]
    desa = sorted(set(desa))
    specs = period_specs(years)
    period_ids = list(specs)
    out: dict[str, DesaPoints] = {}
    for start in range(0, len(desa), 500):
        rows = DataValue.objects.filter(
            region_id__in=desa[start : start + 500], element_id__in=ids, period_id__in=period_ids
        ).values_list("region_id", "element_id", "period_id", "value")
        for region, element_id, period_id, value in rows:
            code = catalogue.element_by_id[element_id].code
            out.setdefault(region, {}).setdefault(code, {})[specs[period_id]] = value
    return out


def period_specs(years: Iterable[int] | None = None) -> dict[int, PeriodSpec]:
    """Period id → spec, for the given years (all when None); one small query."""
    rows = Period.objects.all()
    if years is not None:
        rows = rows.filter(year__in=sorted(set(years)))
    return {
        pid: PeriodSpec(year, month, PeriodType(ptype))
        for pid, year, month, ptype in rows.values_list("id", "year", "first_month", "type")
    }


Key = tuple[str, int, int, PeriodSpec]  # (region code, level, element or indicator id, period)


def apply_changes(changes: Sequence[Change], catalogue: Catalogue | None = None) -> None:
    """Move every roll-up by the effect of `changes` (already written to DataValue)."""
    changes = [c for c in changes if c.old != c.new]
    if not changes:
        return
    catalogue = catalogue or Catalogue.load()
    by_desa: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        by_desa[change.desa].append(change)
    changed_elements = {c.element for c in changes}
    needed = set(changed_elements)
    for code in changed_elements:
        for info in catalogue.by_element.get(code, []):
            needed |= info.elements
    current = fetch_points(catalogue, by_desa, needed, {c.period.year for c in changes})

    element_deltas: dict[Key, list[float]] = defaultdict(lambda: [0.0, 0])
    indicator_deltas: dict[Key, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for desa, desa_changes in by_desa.items():
        new = current.get(desa, {})
        old: dict[str, dict[PeriodSpec, float]] = {code: dict(v) for code, v in new.items()}
        stored: dict[str, set[PeriodSpec]] = defaultdict(set)
        for change in desa_changes:
            points = old.setdefault(change.element, {})
            if change.old is None:
                points.pop(change.period, None)
            else:
                points[change.period] = change.old
            stored[change.element].add(change.period)
        places = ancestors(desa)
        for code, specs in stored.items():
            element = catalogue.elements[code]
            for period in element_periods(element, specs):
                before = derive(element, old.get(code), period)
                after = derive(element, new.get(code), period)
                if before == after:
                    continue
                d_total = (after or 0.0) - (before or 0.0)
                d_count = (after is not None) - (before is not None)
                for place, level in places:
                    delta = element_deltas[(place, level, element.id, period)]
                    delta[0] += d_total
                    delta[1] += d_count
        affected: dict[str, set[PeriodSpec]] = defaultdict(set)
        for code, specs in stored.items():
            for ind in catalogue.by_element.get(code, []):
                affected[ind.code] |= indicator_periods(ind, specs)
        for ind_code, periods in affected.items():
            ind = catalogue.indicators[ind_code]
            for period in periods:
                was = contribution(ind, catalogue, old, period)
                now = contribution(ind, catalogue, new, period)
                if was == now:
                    continue
                d_num = (now[0] if now else 0.0) - (was[0] if was else 0.0)
                d_den = (now[1] if now else 0.0) - (was[1] if was else 0.0)
                d_count = (now is not None) - (was is not None)
                for place, level in places:
                    idelta = indicator_deltas[(place, level, ind.id, period)]
                    idelta[0] += d_num
                    idelta[1] += d_den
                    idelta[2] += d_count
    specs = {key[3] for key in element_deltas} | {key[3] for key in indicator_deltas}
    period_ids = {code: p.id for code, p in Period.objects.for_specs(specs).items()}
    _upsert(
        ElementRollup._meta.db_table,
        "element_id",
        ("total", "reporting"),
        [
            (place, level, ref, period_ids[spec.code], *delta)
            for (place, level, ref, spec), delta in sorted(element_deltas.items())
            if any(delta)
        ],
    )
    _upsert(
        IndicatorRollup._meta.db_table,
        "indicator_id",
        ("numerator", "denominator", "reporting"),
        [
            (place, level, ref, period_ids[spec.code], *delta)
            for (place, level, ref, spec), delta in sorted(indicator_deltas.items())
            if any(delta)
        ],
    )


UpsertRow = tuple[str | int | float, ...]


def _upsert(table: str, ref: str, measures: tuple[str, ...], rows: list[UpsertRow]) -> None:
    if not rows:
        return
    qn = connection.ops.quote_name
    columns = ["region_code", "level", ref, "period_id", *measures]
    placeholders = ", ".join(["%s"] * len(columns))
    updates = ", ".join(f"{qn(m)} = {qn(table)}.{qn(m)} + excluded.{qn(m)}" for m in measures)
    # Identifiers come from model metadata and are quoted; every value is a parameter.
    sql = (
        f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({placeholders}) "
        f"ON CONFLICT ({qn(ref)}, {qn('period_id')}, {qn('region_code')}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
        # A row no desa reports any more is removed rather than kept at zero.
        refs = sorted({int(row[2]) for row in rows})
        periods = sorted({int(row[3]) for row in rows})
        cursor.execute(
            f"DELETE FROM {qn(table)} WHERE {qn('reporting')} = 0 AND {qn(ref)} IN "  # noqa: S608
            f"({', '.join(['%s'] * len(refs))}) AND {qn('period_id')} IN "
            f"({', '.join(['%s'] * len(periods))})",
            [*refs, *periods],
        )


# --- Full rebuild -------------------------------------------------------------------------


@dataclass
class RebuildReport:
    scope: str
    # True when no roll-up existed before: everything was built, nothing was "corrected".
    fresh: bool = False
    rows: dict[str, int] = field(default_factory=dict)
    corrected: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    @property
    def total_corrected(self) -> int:
        return sum(self.corrected.values())


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(1.0, abs(a), abs(b))


Fresh = dict[tuple[str, int, int], list[float]]  # (region code, ref id, period id) → measures


def _reconcile(
    model: type[ElementRollup] | type[IndicatorRollup],
    level: int,
    prefix: str | None,
    fresh: Fresh,
    report: RebuildReport,
    refs: Sequence[int] | None = None,
) -> None:
    """Make the stored rows of one level (under `prefix`, of `refs` when given) equal
    `fresh`; count differences."""
    is_element = model is ElementRollup
    ref = "element_id" if is_element else "indicator_id"
    measures = ["total", "reporting"] if is_element else ["numerator", "denominator", "reporting"]
    label = f"{'element' if is_element else 'indicator'}@{level}"
    rows = model.objects.filter(level=level)
    if prefix:
        rows = rows.filter(code_or_under("region_code", prefix))
    if refs is not None:
        rows = rows.filter(**{f"{ref}__in": list(refs)})
    existing = {
        (r[0], r[1], r[2]): (r[3], list(r[4:]))
        for r in rows.values_list("region_code", ref, "period_id", "id", *measures)
    }
    to_delete: list[int] = []
    to_create: list[UpsertRow] = []
    for key, (row_id, stored) in existing.items():
        values = fresh.get(key)
        if values is None or values[-1] == 0:
            to_delete.append(row_id)
            _note(report, label, f"{key}: {stored} tidak seharusnya ada / should not exist")
        elif stored != values and not all(
            _close(float(a), float(b)) for a, b in zip(stored, values, strict=True)
        ):
            to_delete.append(row_id)
            to_create.append(_row(model, key, level, values))
            _note(report, label, f"{key}: {stored} → {values}")
    for key, values in fresh.items():
        if key not in existing and values[-1] != 0:
            to_create.append(_row(model, key, level, values))
            _note(report, label, f"{key}: tidak ada → {values} / missing")
    for start in range(0, len(to_delete), 5000):
        model.objects.filter(id__in=to_delete[start : start + 5000]).delete()
    _insert(model, ref, measures, to_create)
    report.rows[label] = report.rows.get(label, 0) + sum(1 for v in fresh.values() if v[-1])


def _row(
    model: type[ElementRollup] | type[IndicatorRollup],
    key: tuple[str, int, int],
    level: int,
    values: list[float],
) -> UpsertRow:
    code, ref, period = key
    return (code, level, ref, period, *values[:-1], int(values[-1]))


def _insert(
    model: type[ElementRollup] | type[IndicatorRollup],
    ref: str,
    measures: list[str],
    rows: list[UpsertRow],
) -> None:
    """Plain multi-row insert: a national rebuild writes millions of rows, and the ORM's
    per-object overhead would dominate its time."""
    if not rows:
        return
    qn = connection.ops.quote_name
    columns = ["region_code", "level", ref, "period_id", *measures]
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg's executemany sends one INSERT per row; COPY streams them.
            copy_sql = (
                f"COPY {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
            )
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        for start in range(0, len(rows), 10000):
            cursor.executemany(sql, rows[start : start + 10000])


def _note(report: RebuildReport, label: str, text: str) -> None:
    report.corrected[label] = report.corrected.get(label, 0) + 1
    if len(report.examples) < 20:
        report.examples.append(f"{label} {text}")


class _PeriodIds:
    def __init__(self) -> None:
        self.ids: dict[PeriodSpec, int] = {}

    def __call__(self, specs: set[PeriodSpec]) -> None:
        missing = {s for s in specs if s not in self.ids}
        if missing:
            for period in Period.objects.for_specs(missing).values():
                self.ids[period.spec] = period.id


def _kecamatan_rows(
    catalogue: Catalogue, points: dict[str, DesaPoints], period_ids: _PeriodIds
) -> tuple[Fresh, Fresh]:
    """Kecamatan-level element and indicator rows, recomputed from desa values."""
    element_acc: dict[tuple[str, int, PeriodSpec], list[float]] = defaultdict(lambda: [0.0, 0])
    indicator_acc: dict[tuple[str, int, PeriodSpec], list[float]] = defaultdict(
        lambda: [0.0, 0.0, 0]
    )
    yearly = PeriodType.YEAR
    for desa, by_element in points.items():
        kec = desa[:8]
        years: set[int] = set()
        for code, stored in by_element.items():
            info = catalogue.elements[code]
            years.update(p.year for p in stored)
            if info.period_type is yearly:
                # Fast path: a yearly value is its own (and only) period.
                for period, value in stored.items():
                    acc = element_acc[(kec, info.id, period)]
                    acc[0] += value
                    acc[1] += 1
                continue
            for period in element_periods(info, stored):
                derived = derive(info, stored, period)
                if derived is not None:
                    acc = element_acc[(kec, info.id, period)]
                    acc[0] += derived
                    acc[1] += 1
        for ind in catalogue.indicators.values():
            if not ind.elements <= by_element.keys():
                continue
            if ind.finest is yearly:
                # Fast path: every element is yearly, so a year's contribution reads the
                # stored values directly.
                for period in by_element[next(iter(ind.elements))]:
                    sums: dict[str, float] = {}
                    for code in ind.elements:
                        found = by_element[code].get(period)
                        if found is None:
                            break
                        sums[code] = found
                    else:
                        counts = dict.fromkeys(sums, 1)
                        iacc = indicator_acc[(kec, ind.id, period)]
                        iacc[0] += ind.numerator.evaluate(sums, counts)
                        if ind.denominator is not None:
                            iacc[1] += ind.denominator.evaluate(sums, counts)
                        iacc[2] += 1
                continue
            ind_years = set.intersection(*({p.year for p in by_element[c]} for c in ind.elements))
            for year in ind_years & years:
                candidates: Iterable[PeriodSpec]
                if ind.finest == PeriodType.YEAR:
                    candidates = (PeriodSpec(year, 1, PeriodType.YEAR),)
                else:
                    candidates = all_periods(year, ind.finest)
                for period in candidates:
                    pair = contribution(ind, catalogue, by_element, period)
                    if pair is not None:
                        iacc = indicator_acc[(kec, ind.id, period)]
                        iacc[0] += pair[0]
                        iacc[1] += pair[1]
                        iacc[2] += 1
    period_ids({k[2] for k in element_acc} | {k[2] for k in indicator_acc})
    ids = period_ids.ids
    return (
        {(k[0], k[1], ids[k[2]]): v for k, v in element_acc.items()},
        {(k[0], k[1], ids[k[2]]): v for k, v in indicator_acc.items()},
    )


def _upper_rows(
    model: type[ElementRollup] | type[IndicatorRollup],
    level: int,
    prefix: str | None,
    refs: Sequence[int] | None = None,
) -> Fresh:
    """Rows of `level` as sums of the rows one level below (set-based, in the database)."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    is_element = model is ElementRollup
    ref = qn("element_id" if is_element else "indicator_id")
    measures = ["total", "reporting"] if is_element else ["numerator", "denominator", "reporting"]
    region = "%s" if level == 0 else f"substr({qn('region_code')}, 1, {CODE_WIDTH[level]})"
    params: list[str | int] = [NATIONAL] if level == 0 else []
    where = f"{qn('level')} = %s"
    params.append(level + 1)
    if prefix:
        # Child rows lie strictly below `prefix`; LIKE with an escaped prefix works under
        # any collation ('.' and digits are not LIKE wildcards).
        where += f" AND {qn('region_code')} LIKE %s"
        params.append(prefix + ".%")
    if refs is not None:
        where += f" AND {ref} IN ({', '.join(['%s'] * len(refs))})"
        params.extend(int(r) for r in refs)
    sums = ", ".join(f"SUM({qn(m)})" for m in measures)
    sql = (
        f"SELECT {region}, {ref}, {qn('period_id')}, {sums} FROM {table} WHERE {where} "  # noqa: S608
        f"GROUP BY 1, {ref}, {qn('period_id')}"
    )
    if level == 0:
        sql = sql.replace("GROUP BY 1, ", "GROUP BY ")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(r[0], r[1], r[2]): [float(x) for x in r[3:]] for r in cursor.fetchall()}


def rebuild_rollups(
    *,
    region: str | None = None,
    indicators: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> RebuildReport:
    """Recompute roll-ups from raw values for `region` (all when None) and its ancestors,
    correcting and reporting every difference. Runs in one transaction."""
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
    region_level = 0
    if region and region != NATIONAL:
        found = Region.objects.filter(code=region).values_list("level", flat=True).first()
        if found is None:
            raise Region.DoesNotExist(
                f"Wilayah {region} tidak ada. / Region {region} does not exist."
            )
        region_level = min(found, Level.KECAMATAN)
        region = str(region)[: CODE_WIDTH[region_level]]
    kecamatan = Region.objects.filter(level=Level.KECAMATAN)
    if region_level:
        assert region is not None
        kecamatan = kecamatan.filter(Q(code=region) | within_code(region))
    by_kabupaten: dict[str, list[str]] = defaultdict(list)
    for code in kecamatan.values_list("code", flat=True):
        by_kabupaten[code[:5]].append(code)
    period_ids = _PeriodIds()
    codes = {e.id: e.code for e in catalogue.elements.values()}
    with transaction.atomic():
        specs = period_specs()
        for number, (kab, kec_codes) in enumerate(sorted(by_kabupaten.items()), start=1):
            kab_prefix = kab if region_level < Level.KECAMATAN else kec_codes[0]
            # The desa by code (an index on Region), then their values by the unique index
            # (desa first): no LIKE on the values table, whose index has no pattern ops.
            desa_codes = list(
                Region.objects.filter(within_code(kab_prefix), level=Level.DESA).values_list(
                    "code", flat=True
                )
            )
            points: dict[str, DesaPoints] = {}
            for start in range(0, len(desa_codes), 250):
                values = DataValue.objects.filter(region_id__in=desa_codes[start : start + 250])
                if refs is not None:
                    values = values.filter(element_id__in=list(codes))
                # A plain fetch, not .iterator(): a server-side cursor makes PostgreSQL plan
                # for the first rows and pick a sequential scan of the whole values table.
                for desa, element_id, period_id, value in values.values_list(
                    "region_id", "element_id", "period_id", "value"
                ):
                    by_element = points.setdefault(desa, {})
                    by_element.setdefault(codes[element_id], {})[specs[period_id]] = value
            element_rows, indicator_rows = _kecamatan_rows(catalogue, points, period_ids)
            if refs is None:
                _reconcile(ElementRollup, Level.KECAMATAN, kab_prefix, element_rows, report)
            _reconcile(IndicatorRollup, Level.KECAMATAN, kab_prefix, indicator_rows, report, refs)
            if progress and number % 25 == 0:
                progress(f"{number}/{len(by_kabupaten)} kabupaten/kota")
        for level in (2, 1, 0):
            prefix: str | None = region[: CODE_WIDTH[level]] if region and level else None
            models = (IndicatorRollup,) if refs is not None else (ElementRollup, IndicatorRollup)
            for model in models:
                fresh_rows = _upper_rows(model, level, prefix, refs)
                _reconcile(model, level, prefix, fresh_rows, report, refs)
        if refs is None:
            refresh_region_sizes()
    return report


def refresh_region_sizes() -> None:
    """Count desa/kelurahan under every region above desa (the 'expected' of coverage)."""
    counts: dict[str, int] = defaultdict(int)
    for code in (
        Region.objects.filter(level=Level.DESA)
        .values_list("code", flat=True)
        .iterator(chunk_size=20000)
    ):
        counts[code[:8]] += 1
        counts[code[:5]] += 1
        counts[code[:2]] += 1
        counts[NATIONAL] += 1
    RegionSize.objects.all().delete()
    RegionSize.objects.bulk_create(
        (RegionSize(region_code=c, desa=n) for c, n in counts.items()), batch_size=5000
    )


def rebuild_indicators(codes: Sequence[str]) -> RebuildReport | None:
    """After the catalogue changed these indicators: rebuild their roll-ups (only theirs)
    when any values exist."""
    if not codes or not DataValue.objects.exists():
        return None
    return rebuild_rollups(indicators=codes)
