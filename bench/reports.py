"""Kecamatan reports: PDF (WeasyPrint) and Excel workbook for a 20-desa kecamatan.

Data: the regions of Jawa Tengah, the catalogue and the activity mapping, `seeddemo` and
`seeddemobudget` for Kabupaten Cilacap (33.02) for 2024–2025; the report is for kecamatan
33.02.17 (20 desa), year 2025. Databases: a fresh SQLite file and the PostgreSQL database
bench_reports. Targets (issue 7): PDF ≤ 5 s, workbook ≤ 3 s. Options: --sqlite-only,
--pg-only, --requests=N, --reuse (skip the set-up, time again on the last run's data).
"""

from __future__ import annotations

import statistics

from bench._support import (
    PG_ADMIN_URL,
    child_json,
    databases,
    fresh_database,
    manage,
    option,
    save,
    summary_ms,
)

PROVINCE = "33"
KABUPATEN = "33.02"
KECAMATAN = "33.02.17"
YEAR = "2025"


def _existing(kind: str) -> str:
    if kind == "sqlite":
        return "sqlite:////tmp/dashkec-bench_reports.sqlite3"
    return f"{PG_ADMIN_URL}/bench_reports"


def run_backend(kind: str, requests: int, reuse: bool) -> dict[str, object]:
    seconds = None
    if reuse:  # --reuse: time the reports again on the data of the previous run
        url = _existing(kind)
    else:
        url = fresh_database(kind, "bench_reports")
        manage(url, "migrate", "--no-input", "-v0")
        manage(url, "collectstatic", "--no-input", "-v0")
        manage(url, "loadregions", "--province", PROVINCE)
        manage(url, "loadcatalog")
        manage(url, "loadactivities")
        seeded = manage(url, "seeddemo", "--kabupaten", KABUPATEN, "--years", "2024-2025")
        manage(url, "seeddemobudget", "--kabupaten", KABUPATEN, "--years", "2024-2025")
        seconds = round(seeded.seconds, 1)
    data = child_json(url, "bench._reports", KECAMATAN, YEAR, str(requests))
    figures: dict[str, object] = {"desa": data["desa"], "seeddemo_s": seconds}
    for report in ("pdf", "xlsx"):
        timings = data[report]["timings"]
        figures[report] = {
            **summary_ms(timings),
            "median_s": round(statistics.median(timings), 2),
            "bytes": data[report]["bytes"],
            "queries": data[report]["queries"],
        }
    return figures


def run(args: list[str]) -> None:
    backends = databases(args)
    requests = option(args, "requests", 5)
    reuse = "--reuse" in args
    save("reports", {kind: run_backend(kind, requests, reuse) for kind in backends})
