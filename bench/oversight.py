"""Oversight at national scale: the kabupaten oversight pages, programme monitoring of a
1,007-kecamatan cohort over an audit log of 5 million events, and the two planning PDFs.

Data (database bench_oversight, or $BENCH_OVERSIGHT_DB; docs/PERFORMANCE.md names what each table was measured on):
all of Indonesia's regions and the catalogue; `seedbench --scale national --every=N` values
(N from --values-every, default 100: the full national load takes 10 min quiet on PostgreSQL,
see "Figures and roll-ups"; 0 skips values); a cohort of 1,007 kecamatan from the six largest
kabupaten/kota of each of the programme's ten provinces, one assigned user per kecamatan;
`seeddemoplanning` in each of those 60 kabupaten (follow-ups, proposals, APBDes evaluations,
approvals); `seeddemobudget` in the 20-kecamatan kabupaten of the PDFs; and --events audit
events (default 5,000,000) over every desa of the country and the last two years, made in SQL;
then ANALYZE of every table (the server runs without autovacuum).

Options: --sqlite-only, --pg-only, --requests=N (default 100), --monitoring-requests=N
(default: --requests), --values-every=N,
--events=N, --reuse (keep the last run's database and add only what is missing).
Every step records the load average before and after it: the machine is shared.
"""

from __future__ import annotations

import os
from pathlib import Path

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

# Another name (BENCH_OVERSIGHT_DB) keeps a second run from dropping the first one's data.
NAME = os.environ.get("BENCH_OVERSIGHT_DB", "bench_oversight")
COHORT_SIZE = 1007
KABUPATEN_PER_PROVINCE = 6


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _database(kind: str, reuse: bool) -> str:
    if not reuse:
        return fresh_database(kind, NAME)
    if kind == "sqlite":
        path = Path("/tmp") / f"dashkec-{NAME}.sqlite3"
        assert path.exists(), f"{path} missing: run once without --reuse"
        return f"sqlite:///{path}"
    return f"{PG_ADMIN_URL}/{NAME}"


def _step(figures: dict[str, object], name: str, run: object) -> None:
    """Record a step's wall time and the load average around it (`run` is a callable)."""
    import time

    before = _load()
    start = time.perf_counter()
    result = run()  # type: ignore[operator]
    figures[name] = {
        "seconds": round(time.perf_counter() - start, 1),
        "load_before_after": [before, _load()],
        **(result if isinstance(result, dict) else {}),
    }
    print(name, figures[name], flush=True)


def run_backend(kind: str, args: list[str]) -> dict[str, object]:
    reuse = "--reuse" in args
    every = option(args, "values-every", 100)
    events = option(args, "events", 5_000_000)
    requests = option(args, "requests", 100)
    url = _database(kind, reuse)
    figures: dict[str, object] = {"values_every_nth_desa": every, "reused": reuse}
    if not reuse:
        manage(url, "migrate", "--no-input", "-v0")
        manage(url, "collectstatic", "--no-input", "-v0")
        _step(figures, "loadregions", lambda: manage(url, "loadregions") and None)
        manage(url, "loadcatalog")
        if every:

            def seed() -> dict[str, object]:
                out = manage(url, "seedbench", "--scale", "national", f"--every={every}")
                lines = [line for line in out.output.splitlines() if "nilai" in line]
                return {"output": lines}

            _step(figures, "seedbench", seed)
    cohort: dict[str, object] = {}

    def make_cohort() -> dict[str, object]:
        cohort.update(
            child_json(
                url,
                "bench._oversight_seed",
                "cohort",
                str(COHORT_SIZE),
                str(KABUPATEN_PER_PROVINCE),
            )
        )
        return {k: v for k, v in cohort.items() if k != "kabupaten_codes"}

    _step(figures, "cohort", make_cohort)
    kabupaten = list(cohort["kabupaten_codes"])  # type: ignore[call-overload]
    sizes = child_json(url, "bench._oversight_sizes", *kabupaten)
    pdf_kabupaten = str(sizes["twenty"])
    if pdf_kabupaten not in kabupaten:
        kabupaten.append(pdf_kabupaten)
    _step(
        figures,
        "planning",
        lambda: child_json(url, "bench._oversight_seed", "planning", *kabupaten),
    )
    if not reuse:
        _step(
            figures,
            "apbdes_pdf_kabupaten",
            lambda: {"output": manage(url, "seeddemobudget", "--kabupaten", pdf_kabupaten).output},
        )
    _step(figures, "audit", lambda: child_json(url, "bench._oversight_seed", "audit", str(events)))
    _step(figures, "analyze", lambda: child_json(url, "bench._oversight_seed", "analyze"))
    figures["sizes"] = child_json(url, "bench._oversight_sizes", *kabupaten)
    before = _load()
    data = child_json(
        url,
        "bench._oversight_pages",
        str(cohort["cohort_id"]),
        pdf_kabupaten,
        str(requests),
        str(option(args, "monitoring-requests", requests)),
        *kabupaten,
    )
    figures["pages_load_before_after"] = [before, _load()]
    for name, timings in data.items():
        if isinstance(timings, list):
            figures[name] = summary_ms(timings)
        else:
            figures[name] = timings
    return figures


def run(args: list[str]) -> None:
    backends = databases(args, ("postgresql", "sqlite"))
    results: dict[str, object] = {kind: run_backend(kind, args) for kind in backends}
    name = "oversight" if len(backends) == 2 else f"oversight-{backends[0]}"
    save(name, results)
