"""Indicators on the national benchmark data: seedbench, rebuildrollups, figure latency and
the dashboard pages.

Runs on SQLite and PostgreSQL (database bench_analytics). Options: --sqlite-only,
--pg-only, --every=N (every Nth desa: a stated smaller scale), --requests=N, --reuse (keep
the values of the last run's database, empty its roll-ups and time from there: a national
load takes longer than the rebuild it feeds), --reads-only (with --reuse: only the figure
and page timings, on the last run's values and roll-ups as they are). Every step records the
load average before and after it: the machine is shared.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from bench._support import (
    PG_ADMIN_URL,
    child_json,
    databases,
    fresh_database,
    local_targets_script,
    manage,
    option,
    save,
    summary_ms,
)

# Dashboard pages are timed on this kabupaten's kecamatan (and nationally).
KABUPATEN = "34.04"
EMPTY_ROLLUPS = (
    "from analytics.models import ElementRollup, IndicatorRollup; "
    "ElementRollup.objects.all().delete(); IndicatorRollup.objects.all().delete()"
)


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _database(kind: str, reuse: bool) -> str:
    if not reuse:
        return fresh_database(kind, "bench_analytics")
    if kind == "sqlite":
        path = Path("/tmp") / "dashkec-bench_analytics.sqlite3"
        assert path.exists(), f"{path} missing: run once without --reuse"
        return f"sqlite:///{path}"
    return f"{PG_ADMIN_URL}/bench_analytics"


def run_backend(
    kind: str, every: int, requests: int, reuse: bool, reads_only: bool = False
) -> dict[str, object]:
    url = _database(kind, reuse or reads_only)
    figures: dict[str, object] = {"every_nth_desa": every, "reused_values": reuse}
    if reads_only:
        return _reads(url, requests, figures)
    if reuse:
        manage(url, "shell", "-c", EMPTY_ROLLUPS)
    else:
        manage(url, "migrate", "--no-input", "-v0")
        manage(url, "loadregions")
        manage(url, "loadcatalog")
        before = _load()
        seed = manage(url, "seedbench", "--scale", "national", f"--every={every}", "--skip-rollups")
        values = [line for line in seed.output.splitlines() if "nilai untuk" in line]
        figures.update(
            seedbench_values=values[0] if values else seed.output,
            seedbench_load_s=round(seed.seconds, 1),
            seedbench_load_avg_before_after=[before, _load()],
        )
    before = _load()
    build = manage(url, "rebuildrollups")
    figures.update(
        rebuildrollups_from_empty_s=round(build.seconds, 1),
        rebuildrollups_from_empty_peak_rss_mb=round(build.peak_rss_mb),
        rebuildrollups_from_empty_output=build.output.strip().splitlines(),
        rebuildrollups_from_empty_load_avg_before_after=[before, _load()],
    )
    before = _load()
    verify = manage(url, "rebuildrollups")
    assert "Tidak ada selisih" in verify.output, verify.output
    figures.update(
        rebuildrollups_verify_s=round(verify.seconds, 1),
        rebuildrollups_verify_peak_rss_mb=round(verify.peak_rss_mb),
        rebuildrollups_verify_output=verify.output.strip().splitlines(),
        rebuildrollups_verify_load_avg_before_after=[before, _load()],
    )
    return _reads(url, requests, figures)


def _reads(url: str, requests: int, figures: dict[str, object]) -> dict[str, object]:
    """Figure and dashboard-page timings on the database as it is (migrated to the code)."""
    manage(url, "migrate", "--no-input", "-v0")
    manage(url, "shell", "-c", local_targets_script(KABUPATEN))
    before = _load()
    data = child_json(url, "bench._analytics", str(requests))
    figures["figures_load_avg_before_after"] = [before, _load()]
    manage(url, "collectstatic", "--no-input", "-v0")
    before = _load()
    try:
        pages = child_json(url, "bench._dashboard_pages", KABUPATEN, str(requests))
    except subprocess.CalledProcessError as exc:
        # Keep the figures already measured (a national load takes a long time).
        pages = {}
        figures["dashboard_pages_failed"] = exc.stderr.strip().splitlines()[-5:]
    figures["dashboard_pages"] = {
        "kabupaten": KABUPATEN,
        **{
            f"{page}_page": summary_ms(pages[page])
            for page in ("kecamatan", "desa", "budget", "kabupaten", "national")
            if page in pages
        },
        "queries": pages.get("queries"),
        "load_avg_before_after": [before, _load()],
    }
    return {
        **figures,
        "kecamatan_desa_one_indicator": {
            **summary_ms(data["kecamatan_desa_one_indicator"]),
            "queries": data["kecamatan_desa_queries"],
        },
        "national_provinces_one_indicator": {
            **summary_ms(data["national_provinces_one_indicator"]),
            "queries": data["national_queries"],
        },
        "kecamatan_all_indicators_one_year": {
            **summary_ms(data["kecamatan_all_indicators_one_year"]),
            "queries": data["kecamatan_all_indicators_queries"],
            "indicators": data["indicators"],
        },
        "save_one_value_visible_nationally": summary_ms(data["save_one_value"]),
        "kecamatan_with_10_to_30_desa": data["kecamatan_with_10_to_30_desa"],
    }


def run(args: list[str]) -> None:
    backends = databases(args)
    every = option(args, "every", 1)
    requests = option(args, "requests", 200)
    reuse = "--reuse" in args
    reads_only = "--reads-only" in args
    results: dict[str, object] = {
        kind: run_backend(kind, every, requests, reuse, reads_only) for kind in backends
    }
    name = "analytics" + ("" if every == 1 else f"-every{every}")
    if reads_only:
        name += "-reads"
    if len(backends) == 1:
        name += f"-{backends[0]}"
    save(name, results)
