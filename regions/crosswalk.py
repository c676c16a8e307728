"""Codes of earlier editions resolved to today's regions (RegionCodeChange), and matches of
unknown desa codes by name inside their kabupaten/kota.

Names are compared without case, spaces, punctuation or a leading "Desa"/"Kelurahan"/
"Kampung"; a match must be the only desa/kelurahan of that name in the kabupaten/kota.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from regions.models import CodeChangeKind, Kind, Level, Region, RegionCodeChange

_PREFIX = re.compile(r"^(desa|kelurahan|kel\.|kalurahan|kampung|kampong|ds\.|gampong)\s+")


def norm_name(name: str) -> str:
    name = _PREFIX.sub("", name.lower().strip())
    return re.sub(r"[^a-z0-9]", "", name)


@dataclass(frozen=True, slots=True)
class Resolution:
    code: str  # today's region
    name_match: bool  # found by name, not by an official list


def stored_resolutions() -> dict[str, Resolution]:
    """Every old code with exactly one region today (a split old code resolves to none)."""
    found: dict[str, list[tuple[str, bool]]] = {}
    for old, new, by_name in RegionCodeChange.objects.values_list(
        "old_code", "region_id", "name_match"
    ):
        found.setdefault(old, []).append((new, by_name))
    return {old: Resolution(*targets[0]) for old, targets in found.items() if len(targets) == 1}


class DesaNames:
    """Every desa/kelurahan by code (its normalised name) and by (kabupaten, name)."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.by_kab: dict[tuple[str, str], list[str]] = {}
        self.kelurahan: set[str] = set()
        rows = Region.objects.filter(level=Level.DESA).values_list("code", "name", "kind")
        for code, name, kind in rows:
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
