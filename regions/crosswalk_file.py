"""A crosswalk of region codes from a file (`loadcrosswalk FILE`): the official lists of
code changes that two master lists cannot show (splits, merges, moves of a desa).

The file is a CSV with the header `old_code,new_code,kind,edition,source` (optional
`old_name`); one row per (old code, region carrying it today):
- `old_code`: the code of the earlier edition, dotted (`34.04.01.2001`);
- `new_code`: a region loaded in the tree (`loadregions`), of the same level;
- `kind`: rename, move, split or merge (a split is one old code on several rows, a merge
  several old codes to one region);
- `edition`: the edition the old code belongs to;
- `source`: where the change is published (a Kepmendagri, a Perda); empty: the file name.

Every row is checked before anything is written; any error refuses the whole file. Rows
already stored unchanged are left alone, so loading the same file twice changes nothing.
An entry found by name (`importidm --match-names`) that the file names is marked official.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from regions.models import CodeChangeKind, Region, RegionCodeChange, level_of

COLUMNS = ("old_code", "new_code", "kind", "edition", "source")
# A message rendered late (gettext_lazy, format_lazy): each reader renders it in its language.
Message = str | Promise
_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


@dataclass(frozen=True, slots=True)
class CrosswalkRow:
    old_code: str
    new_code: str
    kind: str
    edition: str
    source: str
    old_name: str = ""


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # the line of the file (the header is line 1)
    message: Message


class BadCrosswalk(ValueError):
    """The file is refused: one message for the file, or one per row."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(errors[0].message if errors else "")


@dataclass
class CrosswalkSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: list[CrosswalkRow] = field(default_factory=list)


def read_crosswalk(stream: IO[str], *, default_source: str) -> list[CrosswalkRow]:
    """Every row of the file, checked against the columns and the regions loaded."""
    reader = csv.DictReader(stream)
    header = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise BadCrosswalk(
            [
                RowError(
                    1,
                    format_lazy(
                        _("Kolom yang perlu ada: {columns}; tidak ditemukan: {missing}."),
                        columns=",".join(COLUMNS),
                        missing=", ".join(missing),
                    ),
                )
            ]
        )

    def cell(record: dict[str, str | None], column: str) -> str:
        key = header.get(column)
        return (record.get(key) or "").strip() if key else ""

    rows: list[CrosswalkRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    for number, record in enumerate(reader, start=2):
        values = {c: cell(record, c) for c in (*COLUMNS, "old_name")}
        if not any(values.values()):
            continue
        old, new = values["old_code"], values["new_code"]
        kind = values["kind"].lower()
        problems: list[Message] = []
        for column, code in (("old_code", old), ("new_code", new)):
            if not _CODE.match(code):
                problems.append(
                    format_lazy(
                        _("{column} {code!r} tidak berbentuk kode wilayah (34.04.01.2001)."),
                        column=column,
                        code=code,
                    )
                )
        if not problems and level_of(old) != level_of(new):
            problems.append(
                format_lazy(
                    _("kode lama {old} dan kode baru {new} tidak setingkat."), old=old, new=new
                )
            )
        if not problems and old == new:
            problems.append(format_lazy(_("kode lama dan kode baru sama ({code})."), code=old))
        if kind not in CodeChangeKind.values:
            problems.append(
                format_lazy(
                    _("kind {kind!r} tidak dikenal; pakai salah satu dari {kinds}."),
                    kind=values["kind"],
                    kinds=", ".join(CodeChangeKind.values),
                )
            )
        if not values["edition"]:
            problems.append(_("edition (edisi kode lama) kosong."))
        if (old, new) in seen:
            problems.append(
                format_lazy(
                    _("{old} → {new} sudah ada di baris {row}."),
                    old=old,
                    new=new,
                    row=seen[old, new],
                )
            )
        seen.setdefault((old, new), number)
        errors.extend(RowError(number, p) for p in problems)
        if not problems:
            rows.append(
                CrosswalkRow(
                    old_code=old,
                    new_code=new,
                    kind=kind,
                    edition=values["edition"][:60],
                    source=(values["source"] or default_source)[:200],
                    old_name=values["old_name"][:100],
                )
            )
    # The regions named as today's: one query, after the rows are read.
    known = set(
        Region.objects.filter(code__in=sorted({r.new_code for r in rows})).values_list(
            "code", flat=True
        )
    )
    for row in rows:
        if row.new_code not in known:
            errors.append(
                RowError(
                    seen[row.old_code, row.new_code],
                    format_lazy(
                        _("kode baru {code} tidak ada di daftar wilayah (muat dulu loadregions)."),
                        code=row.new_code,
                    ),
                )
            )
    if errors:
        raise BadCrosswalk(sorted(errors, key=lambda e: e.row))
    if not rows:
        raise BadCrosswalk([RowError(1, _("Berkas tidak berisi satu baris pun."))])
    return rows


def load_crosswalk(rows: list[CrosswalkRow]) -> CrosswalkSummary:
    """Store the rows in one transaction; rows stored as they are stay untouched."""
    summary = CrosswalkSummary(rows=rows)
    with transaction.atomic():
        names = dict(
            Region.objects.filter(code__in=sorted({r.old_code for r in rows})).values_list(
                "code", "name"
            )
        )
        stored = {
            (e.old_code, e.region_id): e
            for e in RegionCodeChange.objects.select_for_update().filter(
                old_code__in=sorted({r.old_code for r in rows})
            )
        }
        to_create: list[RegionCodeChange] = []
        to_update: list[RegionCodeChange] = []
        for row in rows:
            old_name = row.old_name or names.get(row.old_code, "")
            entry = stored.get((row.old_code, row.new_code))
            if entry is None:
                to_create.append(
                    RegionCodeChange(
                        old_code=row.old_code,
                        old_name=old_name,
                        region_id=row.new_code,
                        kind=row.kind,
                        edition=row.edition,
                        source=row.source,
                    )
                )
                continue
            now = (row.kind, row.edition, row.source, old_name or entry.old_name, False)
            if (entry.kind, entry.edition, entry.source, entry.old_name, entry.name_match) == now:
                summary.unchanged += 1
                continue
            entry.kind, entry.edition, entry.source, entry.old_name, entry.name_match = now
            to_update.append(entry)
        RegionCodeChange.objects.bulk_create(to_create, batch_size=500)
        RegionCodeChange.objects.bulk_update(
            to_update, ["kind", "edition", "source", "old_name", "name_match"], batch_size=500
        )
        summary.created, summary.updated = len(to_create), len(to_update)
    return summary
