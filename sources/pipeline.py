"""The one place where the source adapters meet the values import (intake, datavalues).

An adapter's counts become a long `importvalues` table (no personal data in it), which is
planned, checked and written by the same functions as any values file: the same preview,
validation, all-or-nothing write and idempotence. Whatever changes in the import path is
adapted here and nowhere else in `sources`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from datavalues.writing import file_transaction
from facilities.register import register_from_source
from intake import apbdes, lifecycle
from intake.apbdes import ApbdesPlan, plan_apbdes, write_apbdes
from intake.importing import (
    Fate,
    ImportRefused,
    Plan,
    Problem,
    _Regions,
    plan_upload,
    plan_values,
    receive,
    record_plan,
    tally,
    write_plan,
)
from intake.models import Upload
from intake.parsing import BadFile, open_table
from planning.models import Stage
from regions.crosswalk import OldCodes
from sources import siskeudes
from sources.adapters import ADAPTERS
from sources.aggregate import Aggregate, Options, Place
from sources.siskeudes import Budget

__all__ = [
    "BadFile",
    "Fate",
    "ImportRefused",
    "Plan",
    "SourcePlan",
    "commit",
    "commit_budget",
    "plan_budget",
    "plan_source",
    "read_budget",
    "read_source",
    "receive_budget",
]


@dataclass
class SourcePlan:
    """An adapter's reading of a file and the import plan of its counts."""

    aggregate: Aggregate
    plan: Plan
    table: bytes = field(repr=False)  # the counts as a long values file
    kecamatan: str = ""  # where desa names are matched

    @property
    def errors(self) -> list[Problem]:
        return self.plan.errors


def read_source(kind: str, stream: IO[bytes], *, size: int, options: Options) -> Aggregate:
    """Run the adapter of `kind` over a file; raises BadFile for a file it cannot read."""
    adapter = ADAPTERS.get(kind)
    if adapter is None or adapter.target != "values":
        raise BadFile(
            f"Jenis sumber {kind!r} tidak dikenal; pilih: {', '.join(sorted(ADAPTERS))}. / "
            "Unknown source kind."
        )
    result: Aggregate = adapter.read(open_table(stream, size=size), options)
    return result


# --- budget lines (Siskeudes → intake.apbdes) ----------------------------------------------


def read_budget(stream: IO[bytes], *, size: int, desa: str, year: str) -> Budget:
    return siskeudes.read(open_table(stream, size=size), desa, year)


def plan_budget(budget: Budget, *, stage: str = Stage.FINAL) -> ApbdesPlan:
    """The APBDes plan of the summed lines (checked like an `importapbdes` file)."""
    if budget.errors:
        plan = ApbdesPlan(rows=budget.rows)
        plan.problems = [Problem(e.row, e.column, e.message) for e in budget.errors]
        return plan
    content = budget.to_csv()
    return plan_apbdes(io.BytesIO(content), size=len(content), stage=stage)


def receive_budget(budget: Budget, *, file_name: str, by: Any) -> Upload:
    """An APBDes upload of the summed lines, planned for the APBDes preview page (the
    source file itself is never stored)."""
    content = budget.to_csv()
    upload = receive(
        name=f"{file_name} ({budget.source}, baris APBDes)",
        stream=io.BytesIO(content),
        size=len(content),
        by=by,
        kind=apbdes.KIND,
        budget_stage=Stage.FINAL,
    )
    apbdes.record_plan(upload, apbdes.plan_upload(upload, by=by))
    return upload


def commit_budget(plan: ApbdesPlan, *, stage: str, audit: Callable[[], object]) -> None:
    """Write the lines and their audit event in one transaction, or nothing."""
    with transaction.atomic():
        write_apbdes(plan, stage=stage)
        audit()


def values_file(aggregate: Aggregate) -> bytes:
    """The counts as a long values file, old desa codes resolved (no personal data)."""
    _resolve_old_codes(aggregate)
    return aggregate.to_csv()


def receive_counts(aggregate: Aggregate, *, file_name: str, by: Any, kecamatan: str) -> Upload:
    """An upload of the counts only, to be previewed and confirmed like any values file
    (the source file itself is never stored)."""
    content = values_file(aggregate)
    return receive(
        name=f"{file_name} ({aggregate.source}, jumlah per desa)",
        stream=io.BytesIO(content),
        size=len(content),
        by=by,
        kecamatan_id=kecamatan or None,
    )


def check_upload(upload: Upload, *, by: Any) -> None:
    """Plan an upload of counts and record its fates, as the values upload page does."""
    record_plan(upload, plan_upload(upload, by=by))


def plan_source(
    aggregate: Aggregate, *, by: Any = None, kecamatan: str = "", stage: bool = True
) -> SourcePlan:
    """The plan of an adapter's counts; a source file with row errors plans nothing."""
    content = values_file(aggregate)
    if aggregate.errors:
        plan = Plan(layout=f"sumber {aggregate.kind}", rows=aggregate.rows)
        plan.problems = [Problem(e.row, e.column, e.message) for e in aggregate.errors]
        plan.counts[Fate.ERROR] = len({e.row for e in aggregate.errors})
        return SourcePlan(aggregate, plan, content, kecamatan)
    table = open_table(io.BytesIO(content), size=len(content))
    plan = plan_values(table, by=by, kecamatan=kecamatan, stage=stage)
    plan.layout = f"sumber {aggregate.kind}"
    return SourcePlan(aggregate, plan, content, kecamatan)


def _resolve_old_codes(aggregate: Aggregate) -> None:
    """Desa codes of an earlier edition → today's desa (regions.crosswalk.OldCodes), said
    per desa with its source rows; an old code that was split or merged, or retired with
    no successor, is an error of the rows that carry it."""
    codes = {place.code for place, _element, _period in aggregate.values if place.code}
    old_codes = OldCodes()
    found = {code: old for code in sorted(codes) if (old := old_codes.resolve(code)) is not None}
    if not found:
        return
    values: dict[tuple[Place, str, str], float] = {}
    first_rows = dict(aggregate.first_rows)
    refused: set[tuple[str, int]] = set()
    for (place, element, period), value in aggregate.values.items():
        old = found.get(place.code)
        if old is not None and old.problem:
            first, _last = first_rows.get((place, period), (0, 0))
            if (place.code, first) not in refused:
                refused.add((place.code, first))
                aggregate.error(first, "kode_desa", old.problem)
            continue
        if old is not None:
            rows = aggregate.first_rows.pop((place, period), None)
            place = Place(code=old.code, name=place.name)
            if rows is not None:
                aggregate.first_rows[(place, period)] = rows
        values[(place, element, period)] = value
    aggregate.values = values
    for code, old in found.items():
        if old.problem:
            continue
        how = "padanan tersimpan, cocok nama" if old.name_match else "padanan tersimpan"
        starts = sorted(
            {first for (place, _p), (first, _l) in first_rows.items() if place.code == code}
        )
        where = f"; baris {', '.join(str(r) for r in starts)}" if starts else ""
        aggregate.notes.append(f"kode lama {code} → {old.code} ({how}{where})")


def commit(
    planned: SourcePlan,
    *,
    file_name: str,
    sha256: str,
    size: int,
    accept_warnings: bool,
    by: Any = None,
    audit: Callable[[Upload], object] | None = None,
) -> tuple[Upload, int]:
    """Write every planned value or none, with an upload record that keeps only the
    counts (never the source file, which may hold personal data); `audit` runs inside the
    same transaction. Raises ImportRefused (nothing written)."""
    plan = planned.plan
    try:
        with file_transaction():
            upload = _record(planned, file_name=file_name, sha256=sha256, size=size, by=by)
            written = write_plan(plan, by=by, accept_warnings=accept_warnings, upload=upload)
            _register_facilities(planned)
            if audit is not None:
                audit(upload)
    finally:
        if plan.stage is not None:
            plan.stage.discard()
    return upload, written


def _register_facilities(planned: SourcePlan) -> None:
    """Facilities named in the file (Dapodik schools) into the register, in the same
    transaction as the counts; a desa is found as the values import finds it."""
    named = planned.aggregate.facilities
    if not named:
        return
    regions = _Regions()
    regions.load_codes({f.place.code for f in named if f.place.code})
    rows = []
    for f in named:
        code: str | None = f.place.code if f.place.code in regions.kinds else None
        if code is None and planned.kecamatan and f.place.name:
            code, _why = regions.by_name(planned.kecamatan, f.place.name)
        if code is not None:
            rows.append((code, f.kind, f.key, f.name))
    register_from_source(rows, source=planned.aggregate.source, since=timezone.localdate())


def _record(planned: SourcePlan, *, file_name: str, sha256: str, size: int, by: Any) -> Upload:
    plan = planned.plan
    return Upload.objects.create(
        kind=planned.aggregate.kind[:10],
        file_name=file_name[:200],
        sha256=sha256,
        size=size,
        content=planned.table,
        **lifecycle.committed_fields(tally(plan), by=by),
    )
