"""What the sample-data commands share: the demo kabupaten, its years and their checks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.management.base import CommandError, CommandParser

from regions.models import Level, Region

DEFAULT_KABUPATEN = "34.04"  # Sleman, DI Yogyakarta: 17 kecamatan, 86 desa/kelurahan


@dataclass(frozen=True, slots=True)
class SampleScope:
    kabupaten: str
    years: list[int]
    seed: int


def parse_years(text: str) -> list[int]:
    match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", text.strip())
    if not match:
        raise CommandError(
            f"--years {text!r} tidak dikenali; contoh 2021-2025. / Use e.g. --years 2021-2025."
        )
    first, last = int(match[1]), int(match[2] or match[1])
    if not 2000 <= first <= last <= 2100 or last - first > 20:
        raise CommandError(f"--years {text!r} di luar rentang wajar. / Years out of range.")
    return list(range(first, last + 1))


def add_sample_arguments(parser: CommandParser) -> None:
    parser.add_argument("--kabupaten", default=DEFAULT_KABUPATEN)
    parser.add_argument("--years", default="2021-2025")
    parser.add_argument("--seed", type=int, default=1)


def sample_scope(options: dict[str, Any]) -> SampleScope:
    """The parsed options, or a CommandError when the kabupaten is not loaded."""
    code = options["kabupaten"].strip()
    years = parse_years(options["years"])
    if not Region.objects.filter(code=code, level=Level.KABUPATEN).exists():
        raise CommandError(
            f"Kabupaten/kota {code} belum ada; jalankan loadregions dahulu. / "
            f"Kabupaten {code} not found; run loadregions first."
        )
    return SampleScope(kabupaten=code, years=years, seed=options["seed"])
