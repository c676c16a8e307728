"""Indicators on the national benchmark data: seedbench, rebuildrollups and figure latency.

Runs on SQLite and PostgreSQL (database bench_analytics). Options: --sqlite-only,
--pg-only, --every=N (every Nth desa: a stated smaller scale), --requests=N.
"""

from __future__ import annotations

from bench._support import child_json, fresh_database, manage, save, summary_ms


def _option(args: list[str], name: str, default: int) -> int:
    for arg in args:
        if arg.startswith(f"--{name}="):
            return int(arg.split("=", 1)[1])
    return default


def run_backend(kind: str, every: int, requests: int) -> dict[str, object]:
    url = fresh_database(kind, "bench_analytics")
    manage(url, "migrate", "--no-input", "-v0")
    manage(url, "loadregions")
    manage(url, "loadcatalog")
    seed = manage(url, "seedbench", "--scale", "national", f"--every={every}", "--skip-rollups")
    build = manage(url, "rebuildrollups")
    values = [line for line in seed.output.splitlines() if "nilai untuk" in line]
    data = child_json(url, "bench._analytics", str(requests))
    verify = manage(url, "rebuildrollups")
    assert "Tidak ada selisih" in verify.output, verify.output
    return {
        "every_nth_desa": every,
        "seedbench_values": values[0] if values else seed.output,
        "seedbench_load_s": round(seed.seconds, 1),
        "seedbench_total_s": round(seed.seconds + build.seconds, 1),
        "rebuildrollups_from_empty_s": round(build.seconds, 1),
        "rebuildrollups_from_empty_peak_rss_mb": round(build.peak_rss_mb),
        "rebuildrollups_verify_s": round(verify.seconds, 1),
        "rebuildrollups_verify_peak_rss_mb": round(verify.peak_rss_mb),
        "rebuildrollups_verify_output": verify.output.strip().splitlines()[-2:],
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
    backends = ["sqlite", "postgresql"]
    if "--sqlite-only" in args:
        backends = ["sqlite"]
    if "--pg-only" in args:
        backends = ["postgresql"]
    every = _option(args, "every", 1)
    requests = _option(args, "requests", 200)
    results: dict[str, object] = {kind: run_backend(kind, every, requests) for kind in backends}
    name = "analytics" + ("" if every == 1 else f"-every{every}")
    if len(backends) == 1:
        name += f"-{backends[0]}"
    save(name, results)
