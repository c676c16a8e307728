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
from regions.crosswalk import stored_resolutions
from regions.models import Level, Region
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
    """Desa codes of an earlier edition → today's desa (the crosswalk), said per desa."""
    codes = {place.code for place, _element, _period in aggregate.values if place.code}
    known = set(
        Region.objects.filter(code__in=codes, level=Level.DESA).values_list("code", flat=True)
    )
    old = codes - known
    if not old:
        return
    stored = stored_resolutions()
    moves = {code: stored[code] for code in sorted(old) if code in stored}
    if not moves:
        return
    values: dict[tuple[Place, str, str], float] = {}
    for (place, element, period), value in aggregate.values.items():
        found = moves.get(place.code)
        if found is not None:
            rows = aggregate.first_rows.pop((place, period), None)
            place = Place(code=found.code, name=place.name)
            if rows is not None:
                aggregate.first_rows[(place, period)] = rows
        values[(place, element, period)] = value
    aggregate.values = values
    for code, found in moves.items():
        how = "padanan tersimpan, cocok nama" if found.name_match else "padanan tersimpan"
        aggregate.notes.append(f"kode lama {code} → {found.code} ({how})")


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
