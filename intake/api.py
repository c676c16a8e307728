"""`POST /api/v1/datavalues`: the same checks as a file import, all-or-nothing, per item.

The body is `{"values": [{kode_wilayah, kode_data, periode, nilai, sumber?, hapus?}, …],
"accept_warnings": false}`. An item clears a wrongly reported value only explicitly:
`"hapus": true` with no `nilai` (the file's HAPUS marker, datavalues.batch); a `nilai` of
null without it is refused as an empty value, like a blank cell. Items become the rows of a long-layout table and go through
`plan_values` and `write_plan`, so the API, the upload page and `importvalues` cannot
disagree about what is valid.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field, model_validator

from accounts.scoping import scope_of
from datavalues.batch import CLEAR_MARKER
from datavalues.models import How
from intake import importing
from intake.parsing import Cell, Table
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
                        status=importing.Fate.ERROR.value,
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
            if cleared := plan.counts[importing.Fate.DELETED]:
                _audit_clearing(request, payload, cleared)
    except importing.ImportRefused as exc:
        return Status(400, ValuesOut(saved=False, detail=str(exc), items=items))
    return Status(200, ValuesOut(saved=True, detail="tersimpan / saved", items=items))


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
                messages=(fate.notes + fate.reasons + fate.changes) if fate else [],
            )
        )
    return out
