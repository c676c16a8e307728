"""The kabupaten report as PDF (A4): a summary page first, then every oversight table.

The summary names the kabupaten, the period, the coverage (desa that reported any value for
the year, of all current desa), the "data contoh" mark when sample values are shown, the kabupaten
totals and one line per kecamatan; the pages after it carry the tables of the kabupaten
pages (planning/kabupaten.py), rows never split across pages, in black and white.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from accounts.scoping import subtree_q
from datavalues.models import DataValue
from datavalues.sample import sample_data_under
from planning import kabupaten as tables_of
from planning.oversight import latest_budget_year
from planning.proposals import Proposal, ProposalStatus
from planning.tables import Table
from regions.models import Level, Region


@dataclass
class KabupatenReport:
    region: Region
    year: int
    budget_year: int
    made_at: dt.datetime
    reporting: int
    desa: int
    sample: bool
    overview: Table
    tables: list[Table]
    agreed: int
    accepted: int


def kabupaten_report(region: Region, year: int) -> KabupatenReport:
    now = timezone.localtime()
    today = now.date()
    budget_year = latest_budget_year(region.code, year + 1)
    completeness, _due = tables_of.completeness_tables(region, str(year))
    tables = [
        *completeness,
        tables_of.sector_matrix_table(region, year),
        tables_of.approval_table(region, str(year)),
        tables_of.evaluation_table(region, budget_year),
        tables_of.follow_up_table(region, today),
        tables_of.budget_table(region, year),
        *tables_of.escalation_tables(region, year),
    ]
    proposals = Proposal.objects.filter(subtree_q("desa", region.code), year=year + 2)
    return KabupatenReport(
        region=region,
        year=year,
        budget_year=budget_year,
        made_at=now,
        # Of the current desa: a retired code is neither expected nor counted as a reporter.
        reporting=DataValue.objects.filter(
            subtree_q("region", region.code), period__year=year, region__retired_in=""
        )
        .values("region_id")
        .distinct()
        .count(),
        desa=Region.objects.current()
        .filter(subtree_q("code", region.code), level=Level.DESA)
        .count(),
        sample=sample_data_under(region.code) is not None,
        overview=tables_of.overview_table(region, year, budget_year, today),
        tables=tables,
        agreed=proposals.exclude(status=ProposalStatus.PROPOSED).count(),
        accepted=proposals.filter(status=ProposalStatus.ACCEPTED).count(),
    )


def report_pdf(report: KabupatenReport) -> bytes:
    from weasyprint import HTML  # imported late: Pango is loaded on first use

    html = render_to_string("planning/kabupaten/report.html", {"r": report})
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]
