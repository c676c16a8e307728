"""Focus themes a camat can choose for the priority list: declared indicator sets and weights.

The default view scores the indicators of the chosen sector, each with weight 1; "semua
sektor" scores every indicator of every sector, each with weight 1. A theme scores a
declared set across sectors with declared weights:

- **Konvergensi stunting** follows the desa convergence scorecard reported to Kemendes: the
  five service packages for the 1,000-day targets (ibu hamil, anak 0–23 bulan, anak 24–59
  bulan) — KIA, konseling gizi, air bersih dan sanitasi, perlindungan sosial, PAUD — each
  indicator weight 1, and the outcome they serve, stunting prevalence (G01), weight 3.
- **Kemiskinan ekstrem** puts the extreme-poor share (S02) at weight 3 and the services that
  reach poor families (social assistance, JKN, BLT targeting, civil documents, school
  participation, water and sanitation) at weight 1.

An indicator without a target in force, or without data, is left out of a desa's score
(its weight does not count in the denominator).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Package:
    name: Promise
    weights: dict[str, float]


@dataclass(frozen=True)
class Theme:
    code: str  # "" for the default: the chosen sector
    name: Promise
    packages: tuple[Package, ...] = field(default=())
    every: bool = False  # every indicator of every sector, weight 1

    @property
    def weights(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for package in self.packages:
            out.update(package.weights)
        return out

    @property
    def is_sector_view(self) -> bool:
        return not self.packages and not self.every

    def weight_of(self, code: str) -> float:
        if self.is_sector_view or self.every:
            return 1.0
        return self.weights.get(code, 0.0)

    def covers(self, code: str) -> bool:
        return self.weight_of(code) > 0


SECTOR_VIEW = Theme("", _("Sektor yang dipilih"))
EVERY_SECTOR = Theme("semua", _("Semua sektor"), every=True)

STUNTING = Theme(
    "stunting",
    _("Konvergensi stunting"),
    (
        Package(_("Hasil: prevalensi stunting"), {"G01": 3}),
        Package(_("Kesehatan ibu dan anak (KIA)"), {"K01": 1, "K03": 1, "K04": 1, "G09": 1}),
        Package(
            _("Konseling gizi"),
            {"G02": 1, "G03": 1, "G04": 1, "G06": 1, "G07": 1, "G08": 1, "G11": 1},
        ),
        Package(_("Air bersih dan sanitasi"), {"W01": 1, "W03": 1, "W05": 1}),
        Package(_("Perlindungan sosial"), {"S03": 1, "A02": 1}),
        Package(_("PAUD"), {"P01": 1}),
    ),
)

KEMISKINAN = Theme(
    "kemiskinan",
    _("Kemiskinan ekstrem"),
    (
        Package(_("Hasil: penduduk miskin ekstrem"), {"S02": 3}),
        Package(_("Perlindungan sosial"), {"S04": 1, "S03": 1, "S10": 1}),
        Package(_("Dokumen kependudukan"), {"A01": 1, "A05": 1}),
        Package(_("Pendidikan dan air"), {"P02": 1, "W01": 1, "W03": 1}),
    ),
)

THEMES = (SECTOR_VIEW, EVERY_SECTOR, STUNTING, KEMISKINAN)


def theme_named(code: str) -> Theme | None:
    return next((t for t in THEMES if t.code == code), None)
