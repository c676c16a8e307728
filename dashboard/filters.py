"""The page's filters (periode, sektor, indikator, urut, fokus) read from the URL.

A bad value never breaks the page: it is replaced by a sensible default and the page says
so. The defaults: the latest year whose coverage reaches the threshold (else the latest
with data), the first sector the user may see, the
sector's first indicator, desa in code order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from analytics.focus import theme_named
from catalog.models import Indicator, Sector
from catalog.periods import BadPeriod, PeriodSpec, PeriodType, parse_period
from dashboard.coverage import Coverage, default_year


@dataclass
class Filters:
    period: PeriodSpec
    sector: Sector
    indicator: Indicator
    sort: str  # "" (code order) or an indicator code of the sector
    periods: list[PeriodSpec]  # the choices offered: years with data, newest first
    notices: list[str] = field(default_factory=list)
    # year → coverage, when the page knows how many desa it expects (dashboard/coverage.py)
    coverage: Mapping[int, Coverage] = field(default_factory=dict)
    focus: str = ""  # a focus theme of analytics/focus.py for the priorities, "" = sector

    @property
    def options(self) -> list[tuple[str, str]]:
        """(code, label) of the period picker: each year with its coverage."""
        out = []
        for p in self.periods:
            c = self.coverage.get(p.year) if p.type is PeriodType.YEAR else None
            out.append((p.code, f"{p.code} · {c.text}" if c else p.code))
        return out

    @property
    def partial(self) -> Coverage | None:
        """The chosen year's coverage when it is below the threshold."""
        c = self.coverage.get(self.period.year)
        return c if c is not None and not c.enough else None

    def query(self, **changes: str) -> str:
        """The query string of these filters with some values changed ("?periode=…")."""
        values = {
            "periode": self.period.code,
            "sektor": self.sector.code,
            "indikator": self.indicator.code,
            "urut": self.sort,
            "fokus": self.focus,
        }
        values.update(changes)
        return "?" + urlencode({k: v for k, v in values.items() if v})


def requested_period(params: Mapping[str, str]) -> tuple[PeriodSpec | None, str | None]:
    """The period named in the URL, or None with a notice when it does not parse."""
    code = params.get("periode", "").strip()
    if not code:
        return None, None
    try:
        return parse_period(code), None
    except BadPeriod:
        return None, _("Periode “%(code)s” tidak dikenali; ditampilkan periode terbaru.") % {
            "code": code[:20]
        }


def choose(
    params: Mapping[str, str],
    *,
    sectors: Sequence[Sector],
    indicators: Sequence[Indicator],
    years: Sequence[int],
    default_sector: str | None = None,
    coverage: Mapping[int, Coverage] | None = None,
) -> Filters:
    """Resolve every filter; `indicators` are those the user may see, `years` those with data."""
    notices: list[str] = []
    period, notice = requested_period(params)
    if notice:
        notices.append(notice)
    coverage = coverage or {}
    best = default_year(coverage) if coverage else (max(years) if years else None)
    latest = PeriodSpec(best, 1, PeriodType.YEAR) if best is not None else None
    if period is None:
        period = latest or PeriodSpec(date.today().year - 1, 1, PeriodType.YEAR)

    by_sector = {s.code: [i for i in indicators if i.sector_id == s.id] for s in sectors}
    usable = [s for s in sectors if by_sector[s.code]]
    wanted = params.get("sektor", "").strip()
    sector = next((s for s in usable if s.code == wanted), None)
    if sector is None:
        if wanted:
            notices.append(
                _("Sektor “%(code)s” tidak dikenal atau tidak tersedia untuk Anda.")
                % {"code": wanted[:30]}
            )
        sector = next((s for s in usable if s.code == default_sector), None) or usable[0]

    wanted = params.get("indikator", "").strip()
    in_sector = by_sector[sector.code]
    indicator = next((i for i in in_sector if i.code == wanted), None)
    if indicator is None:
        # An indicator of another sector is what the form sends right after the sector
        # changes: follow the sector quietly. Only a code nobody knows earns a notice.
        if wanted and not any(i.code == wanted for i in indicators):
            notices.append(_("Indikator “%(code)s” tidak dikenal.") % {"code": wanted[:30]})
        indicator = in_sector[0]

    sort = params.get("urut", "").strip()
    if sort and not any(i.code == sort for i in in_sector):
        sort = ""
    focus = params.get("fokus", "").strip()
    if theme_named(focus) is None:
        notices.append(_("Fokus “%(code)s” tidak dikenal.") % {"code": focus[:30]})
        focus = ""
    choices = [PeriodSpec(y, 1, PeriodType.YEAR) for y in sorted(years, reverse=True)]
    if period not in choices:
        choices.insert(0, period)
    return Filters(period, sector, indicator, sort, choices, notices, coverage, focus)
