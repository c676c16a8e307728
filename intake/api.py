"""`POST /api/v1/datavalues`: the same checks as a file import, all-or-nothing, per item.

The body is `{"values": [{kode_wilayah, kode_data, periode, nilai, sumber?}, …],
"accept_warnings": false}`. Items become the rows of a long-layout table and go through
`plan_values` and `write_plan`, so the API, the upload page and `importvalues` cannot
disagree about what is valid.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from accounts.scoping import scope_of
from datavalues.models import How
from intake import importing
from intake.parsing import Cell, Table

router = Router(tags=["data"])
MAX_ITEMS = 1000


class ValueIn(Schema):
    kode_wilayah: str = Field(max_length=13)
    kode_data: str = Field(max_length=40)
    periode: str = Field(max_length=8)
    nilai: float
    sumber: str = Field(default="", max_length=60)


class ValuesIn(Schema):
    values: list[ValueIn] = Field(min_length=1, max_length=MAX_ITEMS)
    accept_warnings: bool = False


class ItemOut(Schema):
    index: int  # 0-based position in `values`
    kode_wilayah: str
    kode_data: str
    periode: str
    status: str  # baru, berubah, tetap, peringatan, galat
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
    if any(not scope.may_write_any_sector(v.kode_wilayah) for v in payload.values):
        return Status(404, ErrorOut(detail="Not Found"))
    header = ["kode_wilayah", "kode_data", "periode", "nilai", "sumber"]
    rows: list[tuple[int, list[Cell]]] = [
        (index, [v.kode_wilayah, v.kode_data, v.periode, v.nilai, v.sumber])
        for index, v in enumerate(payload.values, start=2)  # row 1: the header
    ]
    plan = importing.plan_values(
        Table(kind="json", header=header, rows=iter(rows), decimal_comma=False), by=request.user
    )
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
            importing.write_plan(plan, by=request.user, accept_warnings=True, how=How.API)
    except importing.ImportRefused as exc:
        return Status(400, ValuesOut(saved=False, detail=str(exc), items=items))
    return Status(200, ValuesOut(saved=True, detail="tersimpan / saved", items=items))


def _items(payload: ValuesIn, plan: importing.Plan) -> list[ItemOut]:
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
                status=fate.fate.value if fate else importing.Fate.ERROR.value,
                messages=(fate.reasons + fate.changes) if fate else [],
            )
        )
    return out
