"""Codes of earlier editions resolved to today's regions (RegionCodeChange), and matches of
unknown desa codes by name inside their kabupaten/kota.

`OldCodes` is the one resolver every importer uses (values, APBDes, source adapters, IDM):
a code that is not a current region but has exactly one crosswalk entry of a rename or a
move is written to that region, and the row says "kode lama X → Y"; a split or a merge
cannot be resolved for a row and is refused with a reason, as is a retired code with no
entry at all.

Names are compared without case, spaces, punctuation or a leading "Desa"/"Kelurahan"/
"Kampung"; a match must be the only desa/kelurahan of that name in the kabupaten/kota.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from regions.models import CodeChangeKind, Kind, Level, Region, RegionCodeChange

_PREFIX = re.compile(r"^(desa|kelurahan|kel\.|kalurahan|kampung|kampong|ds\.|gampong)\s+")


def norm_name(name: str) -> str:
    name = _PREFIX.sub("", name.lower().strip())
    return re.sub(r"[^a-z0-9]", "", name)


@dataclass(frozen=True, slots=True)
class Resolution:
    code: str  # today's region
    name_match: bool  # found by name, not by an official list


_AMBIGUOUS = (CodeChangeKind.SPLIT, CodeChangeKind.MERGE)


@dataclass(frozen=True, slots=True)
class OldCode:
    """What an old code of a row stands for today: one region (`code`), or a refusal."""

    old_code: str
    code: str  # today's region; "" when the row cannot be resolved
    name_match: bool = False
    problem: str = ""  # why the row is refused, in the user's language

    @property
    def note(self) -> str:
        """The per-row remark of a resolved code: 'kode lama X → Y'."""
        note = _("kode lama %(old)s → %(new)s") % {"old": self.old_code, "new": self.code}
        return f"{note} ({_('cocok nama')})" if self.name_match else note


class OldCodes:
    """The crosswalk and the retired desa codes, read once for one import.

    `resolve(code)` is None for a code that is no old code (a current region, or one the
    importer reports as unknown)."""

    def __init__(self) -> None:
        self._entries: dict[str, list[tuple[str, str, bool]]] = {}
        for old, new, kind, by_name in RegionCodeChange.objects.values_list(
            "old_code", "region_id", "kind", "name_match"
        ):
            self._entries.setdefault(old, []).append((new, kind, by_name))
        # Codes of the crosswalk that a later edition gave to a region again are that region.
        current = set()
        old_codes = sorted(self._entries)
        for start in range(0, len(old_codes), 900):
            current |= set(
                Region.objects.current()
                .filter(code__in=old_codes[start : start + 900])
                .values_list("code", flat=True)
            )
        for code in current:
            del self._entries[code]
        self._retired = dict(
            Region.objects.filter(level=Level.DESA)
            .exclude(retired_in="")
            .values_list("code", "retired_in")
        )
        self._found: dict[str, OldCode | None] = {}

    def resolve(self, code: str) -> OldCode | None:
        found = self._found.get(code, self)
        if found is self:
            found = self._found[code] = self._resolve(code)
        return found  # type: ignore[return-value]

    def _resolve(self, code: str) -> OldCode | None:
        entries = self._entries.get(code)
        if not entries:
            retired = self._retired.get(code)
            if retired is None:
                return None
            return OldCode(
                code,
                "",
                problem=_(
                    "kode %(code)s tidak berlaku lagi sejak %(edition)s dan tidak ada padanan "
                    "kode barunya; pakai kode wilayah yang berlaku"
                )
                % {"code": code, "edition": retired},
            )
        targets = sorted({new for new, _kind, _by_name in entries})
        kinds = {kind for _new, kind, _by_name in entries}
        if len(targets) > 1 or kinds & set(_AMBIGUOUS):
            what = (
                _("dimekarkan menjadi")
                if len(targets) > 1 or CodeChangeKind.SPLIT in kinds
                else _("digabung ke")
            )
            return OldCode(
                code,
                "",
                problem=_(
                    "kode lama %(code)s %(what)s %(targets)s: tidak bisa dipindahkan otomatis; "
                    "pakai kode wilayah yang berlaku"
                )
                % {"code": code, "what": what, "targets": ", ".join(targets)},
            )
        return OldCode(code, targets[0], name_match=all(by_name for *_x, by_name in entries))


def stored_resolutions() -> dict[str, Resolution]:
    """Every old code the crosswalk resolves to exactly one region today (OldCodes)."""
    codes = OldCodes()
    found: dict[str, Resolution] = {}
    for old in codes._entries:
        resolved = codes.resolve(old)
        if resolved is not None and resolved.code:
            found[old] = Resolution(resolved.code, resolved.name_match)
    return found


class DesaNames:
    """Every desa/kelurahan by code (its normalised name) and by (kabupaten, name)."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.by_kab: dict[tuple[str, str], list[str]] = {}
        self.kelurahan: set[str] = set()
        rows = Region.objects.current().filter(level=Level.DESA).values_list("code", "name", "kind")
        for code, name, kind in rows.iterator(chunk_size=5000):  # not all 83,000 held at once
            if kind == Kind.KELURAHAN:
                self.kelurahan.add(code)
            key = norm_name(name)
            self.names[code] = key
            self.by_kab.setdefault((code[:5], key), []).append(code)

    def match(self, old_code: str, name: str) -> str | None:
        """The only desa of that name in the kabupaten/kota of `old_code`, if one."""
        key = norm_name(name)
        if not key:
            return None
        found = self.by_kab.get((old_code[:5], key), [])
        return found[0] if len(found) == 1 else None


def record_name_matches(
    matches: Iterable[tuple[str, str, str]], *, edition: str, source: str
) -> int:
    """Store (old code, old name, region) matches found by name; returns how many are new."""
    rows = [
        RegionCodeChange(
            old_code=old,
            old_name=name[:100],
            region_id=new,
            kind=CodeChangeKind.MOVE,
            edition=edition[:60],
            source=source[:200],
            name_match=True,
        )
        for old, name, new in matches
    ]
    before = RegionCodeChange.objects.count()
    RegionCodeChange.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return RegionCodeChange.objects.count() - before


def former_matching(query: str) -> QuerySet[RegionCodeChange]:
    """Crosswalk entries whose old code starts with, or old name contains, `query`."""
    query = query.strip()
    if not query:
        return RegionCodeChange.objects.none()
    if query[:1].isdigit():
        digits = "".join(ch for ch in query if ch.isdigit())
        if "." not in query and len(digits) > 2:
            query = ".".join(p for p in (digits[0:2], digits[2:4], digits[4:6], digits[6:10]) if p)
        return RegionCodeChange.objects.filter(
            Q(old_code=query) | Q(old_code__startswith=query + ".")
        )
    return RegionCodeChange.objects.filter(old_name__icontains=query)
