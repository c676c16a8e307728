"""Proposals as the table an operator keys into SIPD / e-Musrenbang (docs/MUSRENBANG.md).

One row per proposal, in priority order, with the columns of the SIPD "usulan Musrenbang"
entry (lokasi, permasalahan, usulan, volume, satuan, OPD tujuan, perkiraan biaya) followed
by the evidence and the decision, so one file serves both the keying and the follow-up.
"""

from __future__ import annotations

from collections.abc import Iterable

from planning.proposals import Proposal
from planning.tables import Table

HEADER = [
    "No",
    "Tahun rencana",
    "Kode kecamatan",
    "Kecamatan",
    "Kode desa",
    "Desa/kelurahan",
    "Dusun/lokasi",
    "Permasalahan",
    "Usulan kegiatan",
    "Volume",
    "Satuan",
    "Perkiraan biaya (Rp)",
    "Sumber dana",
    "OPD tujuan",
    "Bidang/sektor",
    "Prioritas",
    "Skor",
    "Indikator",
    "Nilai",
    "Target",
    "Warga terdampak",
    "Tahun data",
    "Status",
    "Alasan",
    "Tahun keputusan",
]


def sipd_table(proposals: Iterable[Proposal], kecamatan_names: dict[str, str]) -> Table:
    """`proposals` with desa and indicator (and its sector) selected."""
    table = Table("Usulan Musrenbang", HEADER)
    for number, p in enumerate(proposals, start=1):
        indicator = p.indicator
        table.rows.append(
            (
                number,
                p.year,
                p.kecamatan_code,
                kecamatan_names.get(p.kecamatan_code, ""),
                p.desa_id,
                p.desa.name,
                p.dusun,
                p.problem,
                p.activity,
                float(p.volume),
                p.unit,
                p.cost_rp,
                p.get_fund_source_display(),
                p.get_opd_display(),
                indicator.sector.name_id if indicator else "",
                p.priority,
                p.score,
                f"{indicator.code} {indicator.name_id}" if indicator else "",
                p.value,
                p.target,
                p.people_affected,
                p.evidence_year,
                p.get_status_display(),
                p.reason,
                p.decision_year,
            )
        )
    return table
