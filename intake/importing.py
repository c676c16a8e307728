"""Planning and committing a values file: every row's fate first, then all of it or nothing.

(The batch itself — checks, fates, the spool and `write_plan` — is datavalues.batch; its
names stay importable from here.)

`plan_values` reads a table (intake.parsing), resolves each row to (desa, data element,
period, value), applies the checks of the write path and the validation rules, and says
for every row what would happen: new, changed (old → new), unchanged, warning or error.
`import_commit` re-plans the stored file (values may have changed since the preview),
refuses on any error (or on unconfirmed warnings), and writes through `save_values` in the
same transaction as the upload record (the upload lifecycle, intake.lifecycle), so a killed
process leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import IO, Any

from django.utils import timezone

from accounts.scoping import WRITER_ROLES, Scope, scope_of
from catalog.models import DataElement
from config.text import plain_text
from datavalues.batch import (
    CHUNK_ROWS,
    PREVIEW_ROWS,
    Fate,
    ImportRefused,
    Item,
    Plan,
    Problem,
    RowFate,
    _Collections,
    _few_collections,
    _Planner,
    _Row,
    write_plan,
)
from datavalues.checks import check_period, type_name
from datavalues.writing import (
    catalogue_state,
    file_transaction,
)
from intake import lifecycle, retention
from intake.models import RegionAlias, Status, Upload
from intake.parsing import (
    BadFile,
    Cell,
    Table,
    is_blank,
    normalise_header,
    open_table,
    parse_period_cell,
    text,
)
from regions.models import Level, Region

# Names other modules import from here (some now live in datavalues and accounts).
__all__ = [
    "CHUNK_ROWS",
    "PREVIEW_ROWS",
    "WRITER_ROLES",
    "Fate",
    "ImportRefused",
    "Item",
    "Plan",
    "Problem",
    "RowFate",
    "import_commit",
    "iter_report",
    "plan_upload",
    "plan_values",
    "receive",
    "record_plan",
    "write_plan",
]

REGION_COLUMNS = ("kode_wilayah", "kode_desa", "kode")
NAME_COLUMNS = ("nama_desa", "desa", "nama_wilayah", "nama")
KECAMATAN_COLUMNS = ("kode_kecamatan",)
# Columns a wide file may carry that are not data elements.
META_COLUMNS = {
    *REGION_COLUMNS,
    *NAME_COLUMNS,
    *KECAMATAN_COLUMNS,
    "periode",
    "kecamatan",
    "nama_kecamatan",
    "no",
    "nomor",
    "sumber",
    "catatan",
    "keterangan",
}


def _norm_name(name: str) -> str:
    name = name.lower().strip()
    name = re.sub(r"^(desa|kelurahan|kel\.|kalurahan|ds\.)\s*", "", name)
    return re.sub(r"[^a-z0-9]", "", name)


class _Regions:
    """Desa lookups for one import: by code, and by name inside a kecamatan with aliases."""

    def __init__(self) -> None:
        self.kinds: dict[str, str] = {}
        self.parents: dict[str, str] = {}
        self._by_name: dict[str, dict[str, set[str]]] = {}

    def load_codes(self, codes: set[str]) -> None:
        missing = sorted(codes - self.kinds.keys())
        for start in range(0, len(missing), 900):
            for code, kind, parent in (
                Region.objects.current()
                .filter(code__in=missing[start : start + 900], level=Level.DESA)
                .values_list("code", "kind", "parent_id")
            ):
                self.kinds[code] = kind
                self.parents[code] = parent or ""

    def by_name(self, kecamatan: str, name: str) -> tuple[str | None, str]:
        names = self._by_name.get(kecamatan)
        if names is None:
            names = {}
            for code, region_name, kind in (
                Region.objects.current()
                .filter(parent_id=kecamatan, level=Level.DESA)
                .values_list("code", "name", "kind")
            ):
                names.setdefault(_norm_name(region_name), set()).add(code)
                self.kinds[code] = kind
                self.parents[code] = kecamatan
            for code, alias in RegionAlias.objects.filter(region__parent_id=kecamatan).values_list(
                "region_id", "alias"
            ):
                names.setdefault(_norm_name(alias), set()).add(code)
            self._by_name[kecamatan] = names
        found = names.get(_norm_name(name), set())
        if len(found) == 1:
            return next(iter(found)), ""
        if not found:
            return None, (
                f"desa {name!r} tidak ada di kecamatan {kecamatan} / no desa of that name"
            )
        return None, (
            f"nama desa {name!r} ambigu di kecamatan {kecamatan} ({', '.join(sorted(found))}); "
            "pakai kode wilayah / ambiguous desa name: use the region code"
        )


def _columns(header: list[str]) -> dict[str, int]:
    return {normalise_header(h): i for i, h in enumerate(header) if h.strip()}


def _element_code(header_cell: str) -> str:
    """`"BUMIL_ANC (Ibu hamil …)"` → `BUMIL_ANC`: template headers carry the name too."""
    return re.split(r"[\s(]", header_cell.strip(), maxsplit=1)[0].upper()


def plan_values(
    table: Table,
    *,
    by: Any = None,
    period: str = "",
    kecamatan: str = "",
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
    stage: bool = True,
) -> Plan:
    """Every row's fate; writes nothing. `by=None` means no scope limit (commands).

    Rows stream through in chunks of CHUNK_ROWS; with `stage`, the values to write are
    spooled to a temporary file for `write_plan`."""
    plan = Plan(header=table.header)
    scope = scope_of(by) if by is not None else None
    today = today or timezone.localdate()
    columns = _columns(table.header)
    elements = {e.code: e for e in DataElement.objects.select_related("sector")}
    plan.catalogue = catalogue_state(elements.values())
    long = {"kode_data", "nilai"} <= columns.keys()
    region_col = next((columns[c] for c in REGION_COLUMNS if c in columns), None)
    name_col = next((columns[c] for c in NAME_COLUMNS if c in columns), None)
    period_col = columns.get("periode")
    value_columns: list[tuple[int, str]] = []
    if long:
        plan.layout = "long"
    else:
        plan.layout = "wide"
        for index, name in enumerate(table.header):
            if not name.strip() or normalise_header(name) in META_COLUMNS:
                continue
            code = _element_code(name)
            if code not in elements:
                plan.problems.append(
                    Problem(
                        1,
                        name,
                        f"kolom {name!r} bukan kode data yang dikenal / unknown data element "
                        "column",
                    )
                )
            else:
                value_columns.append((index, code))
        if not value_columns and not plan.problems:
            plan.problems.append(
                Problem(
                    1,
                    "",
                    "tidak ada kolom kode_data/nilai (format panjang) atau kolom kode data "
                    "(format lebar) / no data columns found",
                )
            )
    if region_col is None and name_col is None:
        plan.problems.append(
            Problem(1, "kode_wilayah", "kolom kode_wilayah tidak ada / missing region column")
        )
    if period_col is None and not period:
        plan.problems.append(
            Problem(
                1,
                "periode",
                "kolom periode tidak ada dan periode tidak diberikan / no period column or "
                "period option",
            )
        )
    if plan.errors:
        return plan
    with _few_collections(big=False) as collections:
        try:
            _plan_rows(
                table,
                plan,
                elements,
                scope,
                today,
                long,
                columns,
                value_columns,
                period,
                kecamatan,
                progress,
                stage,
                collections,
            )
        except BadFile as exc:  # a row the reader cannot read (e.g. a 128 KiB CSV field)
            plan.problems.append(Problem(0, "", str(exc)))
    return plan


def _plan_rows(
    table: Table,
    plan: Plan,
    elements: dict[str, DataElement],
    scope: Scope | None,
    today: date,
    long: bool,
    columns: dict[str, int],
    value_columns: list[tuple[int, str]],
    period: str,
    kecamatan: str,
    progress: Callable[[int], None] | None,
    stage: bool,
    collections: _Collections | None = None,
) -> None:
    region_col = next((columns[c] for c in REGION_COLUMNS if c in columns), None)
    name_col = next((columns[c] for c in NAME_COLUMNS if c in columns), None)
    kec_col = next((columns[c] for c in KECAMATAN_COLUMNS if c in columns), None)
    period_col = columns.get("periode")
    source_col = columns.get("sumber")
    planner = _Planner(
        plan,
        elements=elements,
        scope=scope,
        today=today,
        long=long,
        decimal_comma=table.decimal_comma,
        stage=stage,
        collections=collections,
    )
    # Desa by name (with aliases), sharing the planner's table of desa kinds.
    regions = _Regions()
    regions.kinds, regions.parents = planner.checker.kinds, planner.checker.parents

    def cell(cells: list[Cell], index: int | None) -> Cell:
        return cells[index] if index is not None and index < len(cells) else None

    value_col, element_col = columns.get("nilai"), columns.get("kode_data")
    for number, cells in table.rows:
        first = cells[0] if cells else None
        # Most rows start with a filled cell: the full blank test only for the others.
        if not (type(first) is str and first.strip()) and all(is_blank(c) for c in cells):
            continue  # trailing or spacer rows
        if not long and all(is_blank(cells[i]) for i, _ in value_columns if i < len(cells)):
            continue  # a template row left empty: nothing to say about that desa
        plan.rows += 1
        if plan.rows <= PREVIEW_ROWS:
            planner.preview_last = number
        if progress is not None and plan.rows % 50_000 == 0:
            progress(plan.rows)

        region = text(cell(cells, region_col))
        if not region and name_col is not None:
            kec = text(cell(cells, kec_col)) or kecamatan
            name = text(cell(cells, name_col))
            if not kec:
                planner.refuse(
                    number,
                    cells,
                    Problem(
                        number,
                        "nama_desa",
                        "pencocokan nama desa perlu kecamatan / matching by name needs the "
                        "kecamatan",
                    ),
                )
                continue
            matched, why = regions.by_name(kec, name)
            if matched is None:
                planner.refuse(number, cells, Problem(number, "nama_desa", why))
                continue
            region = matched
        row_period = parse_period_cell(cell(cells, period_col)) if period_col is not None else ""
        row_period = row_period or period
        source = (
            plain_text(text(cell(cells, source_col)), multiline=False).strip()[:60]
            if source_col is not None
            else ""
        )
        if long:
            entries = [(text(cell(cells, element_col)).upper(), "nilai", cell(cells, value_col))]
        else:
            entries = [(code, table.header[i], cell(cells, i)) for i, code in value_columns]
        planner.add(_Row(number, cells, region, entries, row_period, source))
    planner.finish()


_type_name = type_name
_check_period = check_period


def plan_upload(
    upload: Upload,
    *,
    by: Any,
    progress: Callable[[int], None] | None = None,
    stage: bool = False,
) -> Plan:
    """Plan the stored file of an upload (header-level refusals become one problem);
    `stage=True` keeps the values to write for `write_plan`."""
    try:
        table = open_table(io.BytesIO(retention.content_of(upload)), size=upload.size)
    except BadFile as exc:
        return Plan(problems=[Problem(0, "", str(exc))])
    return plan_values(
        table,
        by=by,
        period=upload.period,
        kecamatan=upload.kecamatan_id or "",
        progress=progress,
        stage=stage,
    )


def receive(*, name: str, stream: IO[bytes], size: int, by: Any, **options: Any) -> Upload:
    """Store an uploaded file as an Upload, after the size check (nothing else written)."""
    from intake.parsing import max_upload_bytes

    if size > max_upload_bytes():
        raise BadFile(
            f"Berkas melebihi batas {max_upload_bytes() // 1048576} MB. / "
            "The file exceeds the size limit."
        )
    retention.expire_contents()
    retention.check_quota(by, size)
    content = stream.read(max_upload_bytes() + 1)
    return Upload.objects.create(
        file_name=name[:200],
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content=content,
        uploaded_by=by if getattr(by, "pk", None) else None,
        status=Status.RECEIVED,
        **options,
    )


def tally(plan: Plan) -> lifecycle.Tally:
    return lifecycle.Tally(
        rows=plan.rows,
        created=plan.counts[Fate.NEW],
        updated=plan.counts[Fate.CHANGED],
        unchanged=plan.counts[Fate.UNCHANGED],
        warnings=len(plan.warnings),
        errors=len(plan.errors),
        message=plan.errors[0].message if plan.errors else "",
    )


def record_plan(upload: Upload, plan: Plan) -> None:
    lifecycle.record_plan(upload, tally(plan))


def import_commit(
    *,
    upload: Upload,
    by: Any,
    accept_warnings: bool = False,
    progress: Callable[[int], None] | None = None,
    request: Any = None,
    background: bool = False,
) -> Plan:
    """Re-plan the stored file and write it all, or nothing (status and counts recorded).

    The audit event of the import is written in the same transaction as its values: a
    process killed after the commit cannot leave an import without its event."""
    plan = plan_upload(upload, by=by, progress=progress, stage=True)
    if progress is not None:
        progress(plan.rows)  # every row checked: the writing starts

    def write() -> None:
        write_plan(plan, by=by, accept_warnings=accept_warnings, upload=upload)
        record_plan(upload, plan)  # the counts, before the lifecycle marks it committed

    try:
        lifecycle.confirm(
            upload,
            tally(plan),
            by=by,
            write=write,
            audit=lambda: _audit_import(
                upload, plan, by=by, request=request, background=background
            ),
            atomic=file_transaction,
        )
    except ImportRefused:
        lifecycle.refuse(upload, rejected=bool(plan.errors))
        raise
    finally:
        if plan.stage is not None:
            plan.stage.discard()
    return plan


def _audit_import(upload: Upload, plan: Plan, *, by: Any, request: Any, background: bool) -> None:
    from accounts import audit
    from accounts.models import Action

    detail: dict[str, Any] = {"upload": upload.pk, "sha256": upload.sha256}
    if background:
        detail["background"] = True
    audit.record(
        Action.IMPORT,
        request=request,
        user=by if getattr(by, "pk", None) else None,
        region_code=upload.kecamatan_id or "",
        summary=f"impor {upload.file_name}: {plan.counts['baru']} baru, "
        f"{plan.counts['berubah']} berubah, {plan.counts['tetap']} tetap"
        + (f", {plan.counts['dihapus']} dihapus" if plan.counts["dihapus"] else ""),
        detail=detail,
    )


def iter_report(plan: Plan) -> Iterator[list[str]]:
    """Rows of the error report: the original cells plus the row number, fate and reasons."""
    yield ["baris", "status", *plan.header, "alasan"]
    for fate in plan.fates:
        if fate.fate not in (Fate.ERROR, Fate.WARNING):
            continue
        cells = [text(c) for c in fate.cells]
        cells += [""] * (len(plan.header) - len(cells))
        yield [str(fate.row), fate.fate.value, *cells, "; ".join(fate.reasons)]
