"""Helpers shared by the benchmarks: isolated databases, child processes, percentiles."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432")


@dataclass
class ChildRun:
    seconds: float
    peak_rss_mb: float
    output: str


def option(args: list[str], name: str, default: int) -> int:
    """The value of `--name=N` among the bench's arguments, or `default`."""
    for arg in args:
        if arg.startswith(f"--{name}="):
            return int(arg.split("=", 1)[1])
    return default


def databases(args: list[str], order: tuple[str, ...] = ("sqlite", "postgresql")) -> list[str]:
    """The databases to run on: both in `order`, or one with --sqlite-only / --pg-only."""
    if "--sqlite-only" in args:
        return ["sqlite"]
    if "--pg-only" in args:
        return ["postgresql"]
    return list(order)


def bench_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        SECURE_HTTPS="0",
        SECRET_KEY=env.get(
            "SECRET_KEY", "bench-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz"
        ),
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
    )
    return env


def fresh_database(kind: str, name: str) -> str:
    """An empty database for one benchmark: a new SQLite file or a recreated PostgreSQL db."""
    if kind == "sqlite":
        path = Path("/tmp") / f"dashkec-{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    host = PG_ADMIN_URL.split("@")[-1].split(":")[0]
    subprocess.run(["dropdb", "-h", host, "-U", "postgres", "--if-exists", name], check=True)
    subprocess.run(["createdb", "-h", host, "-U", "postgres", name], check=True)
    return f"{PG_ADMIN_URL}/{name}"


def manage(database_url: str, *args: str) -> ChildRun:
    """Run `manage.py ARGS` in a child process; wall time and the child's peak memory."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=bench_env(database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{output}")
    return ChildRun(seconds=seconds, peak_rss_mb=usage.ru_maxrss / 1024, output=output)


def child_json(database_url: str, module: str, *args: str) -> dict[str, Any]:
    """Run `python -m MODULE ARGS` against the database; its last output line is JSON."""
    result = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=bench_env(database_url),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(samples: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(samples) * 1000, 2),
        "p95_ms": round(percentile(samples, 95) * 1000, 2),
        "n": len(samples),
    }


def save(name: str, figures: dict[str, object]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    figures = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        **figures,
    }
    (RESULTS / f"{name}.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    print(json.dumps(figures, indent=2, ensure_ascii=False))


def local_targets_script(kabupaten: str) -> str:
    """A `manage.py shell -c` script giving the benchmarked kabupaten and its province a
    local (RPJMD) target for every indicator with a national one in 2025, so figures and
    pages are timed with targets resolved per region (local over national). Idempotent."""
    province = kabupaten.split(".")[0]
    return (
        "from catalog.models import Indicator, RegionTarget; "
        "from catalog.targets import national_target\n"
        "for i in Indicator.objects.prefetch_related('targets'):\n"
        "    t = national_target(i, 2025)\n"
        "    if t is None: continue\n"
        f"    for code, share in (({kabupaten!r}, 0.95), ({province!r}, 0.9)):\n"
        "        RegionTarget.objects.get_or_create(indicator=i, region_id=code, "
        "valid_from=2021, valid_to=2026, ended_at=None, defaults={'value': t.value * share, "
        "'basis': 'RPJMD (bench)', 'created_by': 'bench'})\n"
    )
