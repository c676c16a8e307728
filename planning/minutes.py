"""Berita acara Musrenbang kecamatan: the agreed proposals and the signature blocks, as PDF.

Rendered by WeasyPrint like the kecamatan report (reports/pdf.py): A4, rows never split
across pages, black and white, the region and year named on every page.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from analytics.formatting import number, rupiah
from planning.proposals import Proposal, ProposalChange, ProposalStatus
from regions.models import Region


def agreed(kecamatan: Region, year: int) -> QuerySet[Proposal]:
    """Proposals of the year that the Musrenbang kecamatan agreed (whatever happened since)."""
    ids = ProposalChange.objects.filter(
        proposal__desa__parent_id=kecamatan.code,
        proposal__year=year,
        new_status=ProposalStatus.AGREED,
    ).values("proposal_id")
    return (
        Proposal.objects.filter(pk__in=ids)
        .select_related("desa", "indicator")
        .order_by("priority", "pk")
    )


def minutes_html(kecamatan: Region, year: int) -> str:
    items = list(agreed(kecamatan, year))
    return render_to_string(
        "planning/berita_acara.html",
        {
            "region": kecamatan,
            "kabupaten": kecamatan.parent,
            "year": year,
            "items": items,
            "rows": [(p, number(float(p.volume), 0), rupiah(p.cost_rp)) for p in items],
            "total": rupiah(sum(p.cost_rp for p in items)),
            "sample": any(p.source == "contoh" for p in items),
            "today": timezone.localdate(),
        },
    )


def minutes_pdf(kecamatan: Region, year: int) -> bytes:
    from weasyprint import HTML  # imported late: Pango is loaded on first use

    return HTML(string=minutes_html(kecamatan, year)).write_pdf()  # type: ignore[no-any-return]
