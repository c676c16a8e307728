"""The kecamatan report as an A4 PDF (WeasyPrint), from the page templates and their SVG.

The map of each sector is the choropleth of the kecamatan page (regions/_map.html coloured by
dashboard/choropleth.py), the cells are the scorecard's (dashboard.scorecard.cell: the same
numbers, icons and status words). The stylesheet is the report's own small one
(static/css/report.css), with the pages' status tints: WeasyPrint's cascade over the pages'
full stylesheets cost about a second per report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from analytics.figures import Figure
from analytics.formatting import number, rupiah
from dashboard import choropleth, scorecard
from regions.maps import region_map
from reports.content import KecamatanReport
from reports.summary import summarise

STYLESHEETS = ("css/report.css",)

# WeasyPrint draws inline SVG with its own renderer, which does not see the page's
# stylesheets (dashboard.css colours the map by class): the same rules go inside each <svg>.
# No stroke: `vector-effect: non-scaling-stroke` is not supported, and a 1-unit stroke in a
# map drawn in degrees would cover the shapes.
SVG_STYLE = (
    "<style>.area{fill:#dbe9f0;stroke:none}"
    ".area.st-ok{fill:#8fd19e}.area.st-track{fill:#f6cf7a}.area.st-bad{fill:#f19487}"
    ".area.st-none{fill:#e3e6ea}.area.st-plain{fill:#c9dbe6}"
    ".area.q1{fill:#deebf7}.area.q2{fill:#9ecae1}.area.q3{fill:#4f9bd0}.area.q4{fill:#2166ac}"
    "text{text-anchor:middle;fill:#1d2733}</style>"
)
SVG_OPEN = re.compile(r"(<svg\b[^>]*>)")


def _worst(report: KecamatanReport, sector_code: str) -> list[Figure] | None:
    """Figures of the sector's indicator with most desa needing acceleration, per desa."""
    best: tuple[int, list[Figure]] | None = None
    for indicator in (i for i in report.indicators if i.sector.code == sector_code):
        figures = [report.matrix[(d.code, indicator.code)] for d in report.desa]
        behind = sum(1 for f in figures if f.status == "perlu percepatan")
        if best is None or behind > best[0]:
            best = (behind, figures)
    return best[1] if best else None


def html(report: KecamatanReport) -> str:
    maps: dict[str, Any] = {}
    for summary in report.summaries:
        figures = _worst(report, summary.sector.code)
        if figures and report.desa:
            coloured, legend = choropleth.colour(
                region_map(report.desa, {d.code: "" for d in report.desa}), figures
            )
            maps[summary.sector.code] = {
                "map": coloured,
                "legend": legend,
                "indicator": figures[0].indicator,
            }
    sections = []
    for summary in report.summaries:
        indicators = [i for i in report.indicators if i.sector_id == summary.sector.id]
        rows = [
            (d, [scorecard.cell(report.matrix[(d.code, i.code)]) for i in indicators])
            for d in report.desa
        ]
        own = [scorecard.cell(f) for f in summary.figures]
        sections.append(
            (
                summary,
                list(zip(summary.figures, own, strict=True)),
                indicators,
                rows,
                maps.get(summary.sector.code),
            )
        )
    return render_to_string(
        "reports/laporan.html",
        {
            "r": report,
            "summary": summarise(report, report.made_at.date()),
            "sections": sections,
            "number": number,
            "rupiah": rupiah,
            "budget_rows": [
                (d, report.budgets.get(d.code), report.evaluations[d.code]) for d in report.desa
            ],
        },
    )


@cache
def _stylesheets() -> tuple[Any, Any]:
    """Parsed once per process: parsing the pages' stylesheets takes most of a second."""
    from weasyprint import CSS  # imported late: Pango is loaded on first use
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    sheets = []
    for name in STYLESHEETS:
        path = finders.find(name)
        if path:
            sheets.append(CSS(filename=str(Path(str(path))), font_config=fonts))
    return sheets, fonts


def pdf_bytes(report: KecamatanReport, stage: Callable[[str], None] | None = None) -> bytes:
    """The PDF; `stage` is told "menggambar" (maps, tables) then "menyusun" (the PDF)."""
    from weasyprint import HTML

    if stage is not None:
        stage("menggambar")
    sheets, fonts = _stylesheets()
    document = SVG_OPEN.sub(lambda m: m.group(1) + SVG_STYLE, html(report))
    if stage is not None:
        stage("menyusun")
    return HTML(string=document).write_pdf(  # type: ignore[no-any-return]
        stylesheets=sheets, font_config=fonts
    )
