"""The tables of the kabupaten oversight pages, built from the cross-kecamatan aggregations.

datavalues/oversight.py (completeness, approval) and planning/oversight.py (follow-ups,
evaluations, budgets) count; this module lays the counts out as `planning.tables.Table`
for the page, the CSV and the XLSX alike, each with a kabupaten total line.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from analytics.figures import Place, compute_figures
from analytics.snapshot import catalogue_snapshot
from analytics.status import Status
from datavalues.approval import State
from datavalues.oversight import (
    approvals_by_kecamatan,
    completeness_by_kecamatan,
    units_of,
)
from planning.alignment import BASIC_SECTORS
from planning.escalations import escalations
from planning.evaluation import Result
from planning.followups import Status as FollowUpStatus
from planning.oversight import (
    budgets_by_kecamatan,
    evaluations_by_kecamatan,
    follow_ups_by_kecamatan,
    rounded,
    totals,
)
from planning.recommendations import year_of
from planning.tables import Table
from regions.models import Region


def completeness_tables(kabupaten: Region, period: str) -> tuple[list[Table], dt.date]:
    sectors, rows, due = completeness_by_kecamatan(kabupaten=kabupaten, period=period)
    summary = Table(
        "Kelengkapan dan ketepatan waktu per kecamatan",
        [
            "Kecamatan",
            "Kode",
            "Desa/kelurahan",
            "Diharapkan",
            "Diterima",
            "Tepat waktu",
            "Terlambat",
            "Belum masuk",
            "Kelengkapan (%)",
        ],
    )
    matrix = Table(
        "Kelengkapan (%) per kecamatan × sektor",
        ["Kecamatan", "Kode", *[s.name_id for s in sectors]],
    )
    late = Table(
        "Nilai terlambat per kecamatan × sektor",
        ["Kecamatan", "Kode", *[s.name_id for s in sectors]],
    )
    grand = [0, 0, 0, 0]
    for row in rows:
        total = row.total
        link = reverse("completeness", args=[row.kecamatan.code, period])
        summary.rows.append(
            (
                row.kecamatan.name,
                row.kecamatan.code,
                row.desa,
                total.expected,
                total.received,
                total.on_time,
                total.late,
                total.expected - total.received,
                round(total.percent, 1),
            )
        )
        for table in (summary, matrix, late):
            table.links.append(link)
        matrix.rows.append(
            (
                row.kecamatan.name,
                row.kecamatan.code,
                *[
                    round(row.cells[s.code].percent, 1) if row.cells[s.code].expected else None
                    for s in sectors
                ],
            )
        )
        late.rows.append(
            (row.kecamatan.name, row.kecamatan.code, *[row.cells[s.code].late for s in sectors])
        )
        for i, value in enumerate((row.desa, total.expected, total.received, total.on_time)):
            grand[i] += value
    desa, expected, received, on_time = grand
    summary.footer = (
        "Jumlah kabupaten",
        kabupaten.code,
        desa,
        expected,
        received,
        on_time,
        received - on_time,
        expected - received,
        round(100 * received / expected, 1) if expected else 0.0,
    )
    return [summary, matrix, late], due


STATE_ORDER = (State.DRAFT, State.SUBMITTED, State.APPROVED, State.RETURNED)


def approval_table(kabupaten: Region, period: str) -> Table:
    rows = approvals_by_kecamatan(kabupaten=kabupaten, period=period)
    table = Table(
        "Status persetujuan data desa per kecamatan",
        [
            "Kecamatan",
            "Kode",
            "Desa/kelurahan",
            *[str(s.label) for s in STATE_ORDER],
            "Disetujui (%)",
        ],
    )
    for row in rows:
        table.rows.append(
            (
                row.kecamatan.name,
                row.kecamatan.code,
                row.desa,
                *[row.count(s) for s in STATE_ORDER],
                round(row.approved_percent, 1),
            )
        )
        table.links.append(reverse("completeness", args=[row.kecamatan.code, period]))
    desa = sum(r.desa for r in rows)
    counts = [sum(r.count(s) for r in rows) for s in STATE_ORDER]
    table.footer = (
        "Jumlah kabupaten",
        kabupaten.code,
        desa,
        *counts,
        round(100 * counts[2] / desa, 1) if desa else 0.0,
    )
    return table


def follow_up_table(kabupaten: Region, today: dt.date) -> Table:
    rows = follow_ups_by_kecamatan(kabupaten=kabupaten, today=today)
    names = ("total", "open", "due", "overdue", "done", "dropped")
    table = Table(
        "Tindak lanjut per kecamatan",
        [
            "Kecamatan",
            "Kode",
            "Jumlah",
            "Terbuka",
            "Jatuh tempo ≤ 14 hari",
            "Terlambat",
            str(FollowUpStatus.DONE.label).capitalize(),
            str(FollowUpStatus.DROPPED.label).capitalize(),
        ],
    )
    for row in rows:
        table.rows.append(
            (row.kecamatan.name, row.kecamatan.code, *[getattr(row, n) for n in names])
        )
        table.links.append(reverse("follow-ups", args=[row.kecamatan.code]))
    table.footer = ("Jumlah kabupaten", kabupaten.code, *totals(rows, *names))
    return table


RESULT_ORDER = (Result.CONFORM, Result.NOTES, Result.REVISE)


def evaluation_table(kabupaten: Region, year: int) -> Table:
    rows = evaluations_by_kecamatan(kabupaten=kabupaten, year=year)
    table = Table(
        f"Evaluasi rancangan APBDes {year} per kecamatan",
        [
            "Kecamatan",
            "Kode",
            "Desa",
            "Ada APBDes",
            "Sudah dievaluasi",
            *[str(r.label).capitalize() for r in RESULT_ORDER],
            "Belum dievaluasi",
        ],
    )
    for row in rows:
        table.rows.append(
            (
                row.kecamatan.name,
                row.kecamatan.code,
                row.desa,
                row.with_apbdes,
                row.evaluated,
                *[row.results.get(r, 0) for r in RESULT_ORDER],
                row.outstanding,
            )
        )
        table.links.append(reverse("dashboard-kecamatan", args=[row.kecamatan.code]))
    table.footer = (
        "Jumlah kabupaten",
        kabupaten.code,
        *totals(rows, "desa", "with_apbdes", "evaluated"),
        *[sum(r.results.get(x, 0) for r in rows) for x in RESULT_ORDER],
        sum(r.outstanding for r in rows),
    )
    return table


def budget_table(kabupaten: Region, year: int) -> Table:
    rows = budgets_by_kecamatan(kabupaten=kabupaten, year=year)
    table = Table(
        f"Belanja APBDes {year} untuk layanan dasar per kecamatan",
        [
            "Kecamatan",
            "Kode",
            "Desa",
            "Ada APBDes",
            "Total APBDes (Rp)",
            "Layanan dasar (Rp)",
            "Layanan dasar (%)",
            *[f"{s} (%)" for s in BASIC_SECTORS],
        ],
    )
    for row in rows:
        table.rows.append(
            (
                row.kecamatan.name,
                row.kecamatan.code,
                row.desa,
                row.with_apbdes,
                row.total_rp,
                row.basic_rp,
                rounded(row.basic_share),
                *[rounded(row.share(s)) for s in BASIC_SECTORS],
            )
        )
        table.links.append(
            reverse("budget-alignment", args=[row.kecamatan.code]) + f"?periode={year}"
        )
    total = sum(r.total_rp for r in rows)
    basic = sum(r.basic_rp for r in rows)
    table.footer = (
        "Jumlah kabupaten",
        kabupaten.code,
        *totals(rows, "desa", "with_apbdes"),
        total,
        basic,
        rounded(100 * basic / total) if total else None,
        *[
            rounded(100 * sum(r.sectors.get(s, 0) for r in rows) / total) if total else None
            for s in BASIC_SECTORS
        ],
    )
    return table


def escalation_tables(kabupaten: Region, year: int) -> list[Table]:
    """Problems sent to a kabupaten OPD from every kecamatan, one table per OPD."""
    groups = escalations(kecamatan=kabupaten, year=year)
    tables = []
    for group in groups:
        table = Table(
            f"{group.name} ({group.count})",
            [
                "Kecamatan",
                "Desa",
                "Kode desa",
                "Sektor",
                "Indikator",
                "Nilai",
                "Target",
                "Belum terlayani (orang)",
                "Masalah",
                "Usulan",
                "Status",
                "Batas waktu",
            ],
        )
        for sector in group.sectors:
            for item in sector.items:
                fu = item.follow_up
                figure = item.figure
                table.rows.append(
                    (
                        fu.desa.parent_id,
                        fu.desa.name,
                        fu.desa_id,
                        sector.sector_name,
                        f"{fu.indicator.code} {fu.indicator.name_id}",
                        rounded(figure.value) if figure and figure.value is not None else None,
                        figure.target.value if figure and figure.target else None,
                        round(item.people) if item.people is not None else None,
                        fu.problem,
                        fu.action,
                        fu.get_status_display(),
                        fu.due_date.isoformat(),
                    )
                )
                table.links.append(reverse("follow-ups", args=[fu.desa.parent_id]))
        tables.append(table)
    return tables


def overview_table(kabupaten: Region, year: int, budget_year: int, today: dt.date) -> Table:
    """Every kecamatan at a glance: one line from each of the tables above."""
    period = str(year)
    units = units_of(kabupaten)
    _sectors, complete, _due = completeness_by_kecamatan(
        kabupaten=kabupaten, period=period, units=units
    )
    approved = {
        r.kecamatan.code: r
        for r in approvals_by_kecamatan(kabupaten=kabupaten, period=period, units=units)
    }
    evaluated = {
        r.kecamatan.code: r
        for r in evaluations_by_kecamatan(kabupaten=kabupaten, year=budget_year, units=units)
    }
    follow = {
        r.kecamatan.code: r
        for r in follow_ups_by_kecamatan(kabupaten=kabupaten, today=today, units=units)
    }
    spent = {
        r.kecamatan.code: r
        for r in budgets_by_kecamatan(kabupaten=kabupaten, year=year, units=units)
    }
    table = Table(
        "Ringkasan per kecamatan",
        [
            "Kecamatan",
            "Kode",
            "Desa/kelurahan",
            f"Kelengkapan {year} (%)",
            f"Terlambat {year}",
            f"Desa disetujui {year}",
            f"Evaluasi APBDes {budget_year} belum",
            "Tindak lanjut terbuka",
            "Tindak lanjut terlambat",
            f"Belanja layanan dasar {year} (%)",
        ],
    )
    for row in complete:
        code = row.kecamatan.code
        total = row.total
        table.rows.append(
            (
                row.kecamatan.name,
                code,
                row.desa,
                round(total.percent, 1),
                total.late,
                approved[code].count(State.APPROVED),
                evaluated[code].outstanding,
                follow[code].open,
                follow[code].overdue,
                rounded(spent[code].basic_share),
            )
        )
        table.links.append(reverse("dashboard-kecamatan", args=[code]))
    return table


def sector_matrix_table(kabupaten: Region, year: int) -> Table:
    """Kecamatan × sector: how many of the sector's indicators need acceleration.

    A cell is the number of the sector's indicators whose kecamatan figure for the year is
    "perlu percepatan" (the dashboard's status against the target); empty when no indicator
    of the sector has a status there (no data or no target).
    """
    snapshot = catalogue_snapshot()
    indicators = list(snapshot.indicators)
    sectors: dict[str, str] = {}
    for indicator in indicators:
        sectors.setdefault(indicator.sector.code, indicator.sector.name_id)
    kecamatan = units_of(kabupaten)
    figures = (
        compute_figures(
            indicators=indicators,
            places=[Place.of(k) for k in kecamatan],
            period=year_of(year),
            snapshot=snapshot,
        )
        if kecamatan and indicators
        else []
    )
    behind: dict[tuple[str, str], int] = {}
    for figure in figures:
        if figure.status in (None, Status.NO_DATA):
            continue
        key = (figure.place.code, figure.indicator.sector.code)
        behind[key] = behind.get(key, 0) + (figure.status == Status.NEEDS_ACCELERATION)
    table = Table(
        f"Indikator perlu percepatan per kecamatan × sektor ({year})",
        ["Kecamatan", "Kode", *sectors.values()],
    )
    for region in kecamatan:
        table.rows.append(
            (region.name, region.code, *[behind.get((region.code, s)) for s in sectors])
        )
        table.links.append(reverse("dashboard-kecamatan", args=[region.code]) + f"?periode={year}")
    return table
