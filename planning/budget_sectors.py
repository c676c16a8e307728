"""Which basic-service sector a kegiatan code belongs to, from planning/budget_sectors.yaml."""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

import yaml

MAPPING_FILE = Path(__file__).with_name("budget_sectors.yaml")


@cache
def prefixes() -> dict[str, str]:
    data = yaml.safe_load(MAPPING_FILE.read_text(encoding="utf-8"))
    return {str(prefix): str(sector) for prefix, sector in data["prefixes"].items()}


@lru_cache(maxsize=4096)  # a few hundred kegiatan codes, asked once per budget line
def sector_of(kegiatan_code: str) -> str | None:
    """The sector code of a kegiatan ("2.2.02" → "gizi"), or None when not a basic service."""
    parts = kegiatan_code.split(".")
    table = prefixes()
    for length in range(len(parts), 0, -1):
        sector = table.get(".".join(parts[:length]))
        if sector is not None:
            return sector
    return None
