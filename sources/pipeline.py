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

from django.utils import timezone

from datavalues.writing import file_transaction
from intake.importing import Fate, ImportRefused, Plan, Problem, plan_values, write_plan
from intake.models import Status, Upload
from intake.parsing import BadFile, open_table
from sources.adapters import ADAPTERS
from sources.aggregate import Aggregate, Options

__all__ = [
    "BadFile",
    "Fate",
    "ImportRefused",
    "Plan",
    "SourcePlan",
    "commit",
    "plan_source",
    "read_source",
]


@dataclass
class SourcePlan:
    """An adapter's reading of a file and the import plan of its counts."""

    aggregate: Aggregate
    plan: Plan
    table: bytes = field(repr=False)  # the counts as a long values file

    @property
    def errors(self) -> list[Problem]:
        return self.plan.errors


def read_source(kind: str, stream: IO[bytes], *, size: int, options: Options) -> Aggregate:
    """Run the adapter of `kind` over a file; raises BadFile for a file it cannot read."""
    adapter = ADAPTERS.get(kind)
    if adapter is None:
        raise BadFile(
            f"Jenis sumber {kind!r} tidak dikenal; pilih: {', '.join(sorted(ADAPTERS))}. / "
            "Unknown source kind."
        )
    return adapter.read(open_table(stream, size=size), options)


def plan_source(
    aggregate: Aggregate, *, by: Any = None, kecamatan: str = "", stage: bool = True
) -> SourcePlan:
    """The plan of an adapter's counts; a source file with row errors plans nothing."""
    content = aggregate.to_csv()
    if aggregate.errors:
        plan = Plan(layout=f"sumber {aggregate.kind}", rows=aggregate.rows)
        plan.problems = [Problem(e.row, e.column, e.message) for e in aggregate.errors]
        plan.counts[Fate.ERROR] = len({e.row for e in aggregate.errors})
        return SourcePlan(aggregate, plan, content)
    table = open_table(io.BytesIO(content), size=len(content))
    plan = plan_values(table, by=by, kecamatan=kecamatan, stage=stage)
    plan.layout = f"sumber {aggregate.kind}"
    return SourcePlan(aggregate, plan, content)


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
            if audit is not None:
                audit(upload)
    finally:
        if plan.stage is not None:
            plan.stage.discard()
    return upload, written


def _record(planned: SourcePlan, *, file_name: str, sha256: str, size: int, by: Any) -> Upload:
    plan = planned.plan
    return Upload.objects.create(
        kind=planned.aggregate.kind[:10],
        file_name=file_name[:200],
        sha256=sha256,
        size=size,
        content=planned.table,
        status=Status.COMMITTED,
        rows=plan.rows,
        progress=plan.rows,
        created=plan.counts[Fate.NEW],
        updated=plan.counts[Fate.CHANGED],
        unchanged=plan.counts[Fate.UNCHANGED],
        warnings=len(plan.warnings),
        uploaded_by=by if getattr(by, "pk", None) else None,
        committed_by=by if getattr(by, "pk", None) else None,
        committed_at=timezone.now(),
    )
