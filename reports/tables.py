"""The tables of the kecamatan report, declared once for the Excel sheets and the CSV files.

Each table is a header (Indonesian) and rows of plain values: numbers as floats/ints, text
as str. Writers neutralise text; nothing here formats numbers, so a sheet and the API agree
to the last digit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from reports.content import KecamatanReport

Row = Sequence[Any]


@dataclass
class Table:
    header: list[str]
    rows: Sequence[Row]


@dataclass(frozen=True)
class TableSpec:
    slug: str
    sheet: str
    build: Callable[[KecamatanReport], Table]


def _status(figure: Any) -> str:
    return (
        str(figure.status)
        if figure.status
        else (gettext(figure.status_reason) if figure.status_reason else "")
    )


def sector_summary(r: KecamatanReport) -> Table:
    rows = [
        (s.sector.name_id, len(s.figures), s.achieved, s.on_track, s.behind, s.no_data)
        for s in r.summaries
    ]
    header = ["Sektor", "Indikator", "Tercapai", "On track", "Perlu percepatan", "Tanpa data"]
    return Table(header, rows)


def kecamatan_figures(r: KecamatanReport) -> Table:
    header = [
        "Kode indikator",
        "Indikator",
        "Sektor",
        "Nilai",
        "Satuan",
        "Pembilang",
        "Penyebut",
        "Target",
        "Status",
        "Desa melapor",
        "Desa seharusnya",
        "Nilai tahun lalu",
        "Perubahan",
        "Sumber target",  # last: earlier columns keep their places for existing readers
    ]
    rows = [
        (
            f.indicator.code,
            f.indicator.name_id,
            f.indicator.sector.name_id,
            f.value,
            f.indicator.unit,
            f.numerator,
            f.denominator,
            f.target.value if f.target else None,
            _status(f),
            f.reporting,
            f.expected,
            f.previous,
            f.change,
            f.target.label if f.target else None,
        )
        for f in r.own
    ]
    return Table(header, rows)


def desa_matrix(r: KecamatanReport) -> Table:
    header = ["Kode desa", "Desa", *[i.code for i in r.indicators]]
    rows = [
        (d.code, d.name, *[r.matrix[(d.code, i.code)].value for i in r.indicators]) for d in r.desa
    ]
    return Table(header, rows)


def desa_status(r: KecamatanReport) -> Table:
    header = ["Kode desa", "Desa", *[i.code for i in r.indicators]]
    rows = [
        (d.code, d.name, *[_status(r.matrix[(d.code, i.code)]) for i in r.indicators])
        for d in r.desa
    ]
    return Table(header, rows)


def priority_list(r: KecamatanReport) -> Table:
    header = [
        "Peringkat",
        "Kode desa",
        "Desa",
        "Skor (orang/RT belum terlayani)",
        "Kesenjangan terbesar",
        "Orang/RT pada indikator itu",
    ]
    rows = [
        (
            p.rank,
            p.place.code,
            p.place.name,
            p.score,
            p.main.figure.indicator.name_id if p.main else "",
            p.main.people_value if p.main else None,
        )
        for p in r.priorities.ranked
    ]
    return Table(header, rows)


def budget_table(r: KecamatanReport) -> Table:
    header = [
        "Kode desa",
        "Desa",
        "Tahap",
        "Total APBDes (Rp)",
        "Layanan dasar (Rp)",
        "Porsi layanan dasar (%)",
        "Sektor ditandai",
    ]
    rows = []
    for d in r.desa:
        b = r.budgets.get(d.code)
        ev = r.evaluations[d.code]
        rows.append(
            (
                d.code,
                d.name,
                b.stage if b else "tidak ada data",
                b.total_budget_rp if b else None,
                b.basic_budget_rp if b else None,
                b.basic_share if b else None,
                "; ".join(row.sector.name_id for row in ev.flags),
            )
        )
    return Table(header, rows)


def follow_up_table(r: KecamatanReport) -> Table:
    header = [
        "No",
        "Kode desa",
        "Desa",
        "Indikator",
        "Masalah",
        "Penyebab",
        "Tindakan",
        "Penanggung jawab",
        "Batas waktu",
        "Status",
        "Catatan bukti",
    ]
    rows = [
        (
            f.pk,
            f.desa_id,
            f.desa.name,
            f.indicator.code,
            f.problem,
            f.cause,
            f.action,
            f.owner_text,
            f.due_date.isoformat(),
            f.get_status_display(),
            f.evidence,
        )
        for f in r.follow_ups
    ]
    return Table(header, rows)


def escalation_table(r: KecamatanReport) -> Table:
    header = [
        "OPD",
        "Sektor",
        "Kode desa",
        "Desa",
        "Masalah",
        "Usulan",
        "Indikator",
        "Nilai",
        "Target",
        "Orang/RT belum terlayani",
        "Status",
    ]
    rows = []
    for group in r.escalations:
        for sector in group.sectors:
            for e in sector.items:
                f = e.follow_up
                rows.append(
                    (
                        group.name,
                        sector.sector_name,
                        f.desa_id,
                        f.desa.name,
                        f.problem,
                        f.action,
                        f.indicator.code,
                        e.figure.value if e.figure else None,
                        e.figure.target.value if e.figure and e.figure.target else None,
                        e.people,
                        f.get_status_display(),
                    )
                )
    return Table(header, rows)


def raw_values(r: KecamatanReport) -> Table:
    header = ["Kode desa", "Desa", "Kode elemen data", "Elemen data", "Periode", "Nilai", "Sumber"]
    rows = [
        (v.desa_code, v.desa_name, v.element, v.element_name, v.period, v.value, v.source)
        for v in r.raw
    ]
    return Table(header, rows)


TABLES: dict[str, TableSpec] = {
    t.slug: t
    for t in (
        TableSpec("ringkasan", "Ringkasan sektor", sector_summary),
        TableSpec("indikator", "Indikator kecamatan", kecamatan_figures),
        TableSpec("matriks", "Matriks desa (nilai)", desa_matrix),
        TableSpec("matriks-status", "Matriks desa (status)", desa_status),
        TableSpec("prioritas", "Desa prioritas", priority_list),
        TableSpec("anggaran", "APBDes dan temuan", budget_table),
        TableSpec("tindak-lanjut", "Tindak lanjut", follow_up_table),
        TableSpec("eskalasi", "Usulan Musrenbang", escalation_table),
        TableSpec("data-mentah", "Data mentah", raw_values),
    )
}
