"""The kecamatan report as an A4 PDF (WeasyPrint), from the page templates and their SVG.

The map of each sector is the choropleth of the kecamatan page (regions/_map.html coloured by
dashboard/choropleth.py) and the styles are the pages' own stylesheets plus the print rules,
so the printed report and the screen show the same thing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from analytics.figures import Figure
from dashboard import choropleth, scorecard
from dashboard.numbers import number, rupiah
from regions.maps import region_map
from reports.content import KecamatanReport

STYLESHEETS = ("css/app.css", "css/dashboard.css", "css/planning.css", "css/report.css")


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
            "sections": sections,
            "number": number,
            "rupiah": rupiah,
            "budget_rows": [
                (d, report.budgets.get(d.code), report.evaluations[d.code]) for d in report.desa
            ],
        },
    )


def pdf_bytes(report: KecamatanReport) -> bytes:
    from weasyprint import CSS, HTML  # imported late: Pango is loaded on first use

    sheets = []
    for name in STYLESHEETS:
        path = finders.find(name)
        if path:
            sheets.append(CSS(filename=str(Path(str(path)))))
    return HTML(string=html(report)).write_pdf(stylesheets=sheets)  # type: ignore[no-any-return]
