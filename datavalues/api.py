"""`POST /api/v1/datavalues`: the same checks as a file import, all-or-nothing, per item.

The body is `{"values": [{kode_wilayah, kode_data, periode, nilai, sumber?, hapus?}, …],
"accept_warnings": false}`. An item clears a wrongly reported value only explicitly:
`"hapus": true` with no `nilai` (the file's HAPUS marker, datavalues.batch); a `nilai` of
null without it is refused as an empty value, like a blank cell. Items become the rows of a
long-layout table (kode_wilayah, kode_data, periode, nilai, sumber), planned by the batch
planner of files (datavalues.batch) and written by `write_plan`, so the API, the upload
page and `importvalues` cannot disagree about what is valid.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field, model_validator

from accounts.scoping import scope_of
from catalog.models import DataElement
from config.text import plain_text
from datavalues.batch import (
    CLEAR_MARKER,
    PREVIEW_ROWS,
    Fate,
    ImportRefused,
    Plan,
    _few_collections,
    _Planner,
    _Row,
    write_plan,
)
from datavalues.models import How
from datavalues.numbers import Cell, is_blank, parse_period_cell, text
from datavalues.writing import catalogue_state
from regions.crosswalk import OldCodes

router = Router(tags=["data"])
MAX_ITEMS = 1000
EMPTY_MESSAGE = (
    "nilai: nilai kosong; kirim hapus=true untuk mengosongkan / empty value; send "
    "hapus=true to clear"
)


class ValueIn(Schema):
    kode_wilayah: str = Field(max_length=13)
    kode_data: str = Field(max_length=40)
    periode: str = Field(max_length=8)
    nilai: float | None = None
    sumber: str = Field(default="", max_length=60)
    # Clears the stored value (audited in its history, roll-ups updated); `nilai` must
    # then be absent or null.
    hapus: bool = False

    @model_validator(mode="after")
    def _value_or_clear(self) -> ValueIn:
        if self.hapus and self.nilai is not None:
            raise ValueError("hapus=true tidak boleh disertai nilai / clear takes no value")
        return self


class ValuesIn(Schema):
    values: list[ValueIn] = Field(min_length=1, max_length=MAX_ITEMS)
    accept_warnings: bool = False


class ItemOut(Schema):
    index: int  # 0-based position in `values`
    kode_wilayah: str
    kode_data: str
    periode: str
    status: str  # baru, berubah, tetap, dihapus, peringatan, galat
    messages: list[str]


class ValuesOut(Schema):
    saved: bool
    detail: str
    items: list[ItemOut]


class ErrorOut(Schema):
    detail: str


@router.post(
    "/datavalues",
    # 400 is either the per-item report or, for a body that does not match the schema,
    # the API-wide {"detail": "..."} (api/api.py).
    response={200: ValuesOut, 400: ValuesOut | ErrorOut, 404: ErrorOut},
    summary="Menyimpan nilai data (semua atau tidak sama sekali)",
)
def datavalues_write(request: HttpRequest, payload: ValuesIn) -> Status[Any]:
    scope = scope_of(request.user)
    # Outside the caller's write scope looks like an unknown region: 404 for the batch.
    # (A sector outside the caller's limit is a refused item, named in the report.)
    # A code of an earlier edition is checked as the desa it stands for today.
    old_codes = OldCodes()

    def today(code: str) -> str:
        old = old_codes.resolve(code)
        return old.code if old is not None and old.code else code

    if any(not scope.may_write_any_sector(today(v.kode_wilayah)) for v in payload.values):
        return Status(404, ErrorOut(detail="Not Found"))
    if empty := [i for i, v in enumerate(payload.values) if v.nilai is None and not v.hapus]:
        # Never a deletion by omission: a clearing needs `hapus` (and a row of blanks would
        # be skipped like a spacer row of a file).
        return Status(
            400,
            ValuesOut(
                saved=False,
                detail="galat; tidak ada yang disimpan / errors: nothing saved",
                items=[
                    ItemOut(
                        index=index,
                        kode_wilayah=v.kode_wilayah,
                        kode_data=v.kode_data,
                        periode=v.periode,
                        status=Fate.ERROR.value,
                        messages=[EMPTY_MESSAGE] if index in empty else [],
                    )
                    for index, v in enumerate(payload.values)
                ],
            ),
        )
    header = ["kode_wilayah", "kode_data", "periode", "nilai", "sumber"]
    rows: list[tuple[int, list[Cell]]] = [
        (
            index,
            [
                v.kode_wilayah,
                v.kode_data,
                v.periode,
                CLEAR_MARKER if v.hapus else v.nilai,
                v.sumber,
            ],
        )
        for index, v in enumerate(payload.values, start=2)  # row 1: the header
    ]
    plan = _plan(header, rows, by=request.user)
    items = _items(payload, plan)
    if plan.errors or (plan.warnings and not payload.accept_warnings):
        detail = (
            "galat; tidak ada yang disimpan / errors: nothing saved"
            if plan.errors
            else "peringatan: kirim ulang dengan accept_warnings=true / warnings need "
            "accept_warnings=true"
        )
        return Status(400, ValuesOut(saved=False, detail=detail, items=items))
    try:
        with transaction.atomic():
            write_plan(plan, by=request.user, accept_warnings=True, how=How.API)
            if cleared := plan.counts[Fate.DELETED]:
                _audit_clearing(request, payload, cleared)
    except ImportRefused as exc:
        return Status(400, ValuesOut(saved=False, detail=str(exc), items=items))
    return Status(200, ValuesOut(saved=True, detail="tersimpan / saved", items=items))


def _plan(header: list[str], rows: list[tuple[int, list[Cell]]], *, by: Any) -> Plan:
    """Every item's fate, as a row of a long-layout file with a region column; the values
    to write wait in the plan's spool for `write_plan`."""
    plan = Plan(header=header, layout="long")
    elements = {e.code: e for e in DataElement.objects.select_related("sector")}
    plan.catalogue = catalogue_state(elements.values())
    with _few_collections(big=False) as collections:
        planner = _Planner(
            plan,
            elements=elements,
            scope=scope_of(by),
            today=timezone.localdate(),
            long=True,
            decimal_comma=False,
            stage=True,
            collections=collections,
        )
        for number, cells in rows:
            if all(is_blank(c) for c in cells):
                continue  # like a spacer row of a file
            plan.rows += 1
            if plan.rows <= PREVIEW_ROWS:
                planner.preview_last = number
            region, element, period, value, source = cells
            planner.add(
                _Row(
                    number,
                    cells,
                    text(region),
                    [(text(element).upper(), "nilai", value)],
                    parse_period_cell(period),
                    plain_text(text(source), multiline=False).strip()[:60],
                )
            )
        planner.finish()
    return plan


def _audit_clearing(request: HttpRequest, payload: ValuesIn, cleared: int) -> None:
    """An audit event for values the API cleared (their history rows say which)."""
    from accounts import audit
    from accounts.models import Action

    regions = sorted({v.kode_wilayah for v in payload.values if v.hapus})
    audit.record(
        Action.EDIT,
        request=request,
        region_code=regions[0] if len(regions) == 1 else "",
        summary=f"API: {cleared} nilai dikosongkan ({', '.join(regions[:5])})",
    )


def _items(payload: ValuesIn, plan: Plan) -> list[ItemOut]:
    fates = {f.row: f for f in plan.fates}
    out: list[ItemOut] = []
    for index, value in enumerate(payload.values):
        fate = fates.get(index + 2)
        out.append(
            ItemOut(
                index=index,
                kode_wilayah=value.kode_wilayah,
                kode_data=value.kode_data,
                periode=value.periode,
                status=fate.fate.value if fate else Fate.ERROR.value,
                messages=(fate.notes + fate.reasons + fate.changes) if fate else [],
            )
        )
    return out
