"""Region master list: loadregions (fresh and repeat, time and peak memory) and page time."""

from __future__ import annotations

import os
import statistics

from bench._support import child_json, databases, fresh_database, manage, save, summary_ms

REPEATS = 3
PAGE_REQUESTS = 300


def _pages(database_url: str, url: str, level: int, *prefix: str) -> dict[str, object]:
    data = child_json(database_url, "bench._pages", url, str(level), str(PAGE_REQUESTS), *prefix)
    return {**summary_ms(data["timings"]), "queries": data["queries"]}


def run_backend(kind: str) -> dict[str, object]:
    fresh, repeat, rss = [], [], []
    for attempt in range(REPEATS):
        url = fresh_database(kind, "bench_regions")
        manage(url, "migrate", "--no-input", "-v0")
        manage(url, "collectstatic", "--no-input", "-v0")
        first = manage(url, "loadregions")
        fresh.append(first.seconds)
        rss.append(first.peak_rss_mb)
        again = manage(url, "loadregions")
        repeat.append(again.seconds)
        rss.append(again.peak_rss_mb)
        if attempt == 0:
            assert "83,762 dibuat" in first.output, first.output
            assert "0 dibuat, 0 diubah, 83,762 tetap" in again.output, again.output
    figures: dict[str, object] = {
        "loadregions_fresh_s_median": round(statistics.median(fresh), 2),
        "loadregions_fresh_s_runs": [round(s, 2) for s in fresh],
        "loadregions_repeat_s_median": round(statistics.median(repeat), 2),
        "loadregions_repeat_s_runs": [round(s, 2) for s in repeat],
        "loadregions_peak_rss_mb_max": round(max(rss), 1),
        "kecamatan_page_tile_grid": _pages(url, "/wilayah/{code}/", 3),
    }
    real = os.environ.get("DASHKEC_REAL_DATA")
    if real:
        manage(url, "importboundaries", f"{real}/boundaries/34_diy_desa_kelurahan.geojson")
        figures["kecamatan_page_diy_polygons"] = _pages(url, "/wilayah/{code}/", 3, "34")
    return figures


def run(args: list[str]) -> None:
    backends = databases(args)
    save("regions", {kind: run_backend(kind) for kind in backends})
