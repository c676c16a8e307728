"""The national Kemendes IDM file (75,265 desa rows) through /impor/ as the worker runs it:
the request storing it, then the check (plan and preview) and the import (every suggestion
ticked) in one worker process, each step's wall time and peak memory; then `importidm --match-names` on a fresh
database for comparison. SQLite and PostgreSQL.

`make bench BENCH_ARGS="idm"` with DASHKEC_REAL_DATA set (the folder holding idm/);
--sqlite-only / --pg-only. Target: check and import each ≤ 400 MB peak, ≤ 90 s on SQLite.
"""

from __future__ import annotations

import os
from pathlib import Path

from bench._support import child_json, databases, fresh_database, manage, save

FILE = Path("idm") / "idm_2024_desa.csv"


def _prepared(kind: str) -> str:
    url = fresh_database(kind, "bench_idm")
    manage(url, "migrate", "--no-input", "-v0")
    manage(url, "loadregions")
    manage(url, "loadcatalog")
    return url


def run_backend(kind: str, path: Path) -> dict[str, object]:
    url = _prepared(kind)
    sent = child_json(url, "bench._idm_child", "receive", str(path))
    worker = child_json(url, "bench._idm_child", "worker", str(sent["upload"]), str(sent["user"]))
    checked, imported = worker["check"], worker["import"]
    assert checked["status"] == "pratinjau", checked
    assert imported["status"] == "selesai" and imported["created"] == 448_110, imported
    url = _prepared(kind)
    command = manage(url, "importidm", str(path), "--match-names")
    return {
        "receive": {k: sent[k] for k in ("seconds", "peak_rss_mb")},
        "check": checked,
        "import": imported,
        "worker_peak_rss_mb": worker["process_peak_rss_mb"],
        "web_seconds": round(float(checked["seconds"]) + float(imported["seconds"]), 1),
        "importidm": {
            "seconds": round(command.seconds, 1),
            "peak_rss_mb": round(command.peak_rss_mb, 1),
        },
    }


def run(args: list[str]) -> None:
    data = os.environ.get("DASHKEC_REAL_DATA")
    if not data or not (Path(data) / FILE).is_file():
        print(f"skipped: set DASHKEC_REAL_DATA to the folder holding {FILE}")
        return
    path = Path(data) / FILE
    figures: dict[str, object] = {"file": str(FILE), "bytes": path.stat().st_size}
    for kind in databases(args):
        figures[kind] = run_backend(kind, path)
        print(kind, figures[kind], flush=True)
    save("idm", figures)
