"""Killing `importvalues` with SIGKILL mid-way leaves the database exactly as it was.

Each backend gets its own scratch database, prepared and imported into by subprocesses
(the real command, not a test double); the test compares a fingerprint of every table
the import touches before and after the kill.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TABLES = (
    "datavalues_datavalue",
    "datavalues_valuechange",
    "intake_upload",
    "analytics_elementrollup",
    "analytics_indicatorrollup",
)
MONTHLY = ("BALITA_DIUKUR", "BALITA_STUNTING", "BALITA_DITIMBANG", "BAYI_IDL")


def manage(env: dict[str, str], *args: str, timeout: int = 600) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def big_file(path: Path, codes: list[str]) -> int:
    rows = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("kode_wilayah,kode_data,periode,nilai\n")
        for year in range(2019, 2025):
            for month in range(1, 13):
                for code in codes:
                    for element in MONTHLY:
                        out.write(f"{code},{element},{year}-{month:02d},{(rows * 7) % 50 + 1}\n")
                        rows += 1
    return rows


def fingerprint(env: dict[str, str]) -> dict[str, tuple[int, float]]:
    """Row count and a sum over each touched table (ids and values)."""
    # The table names are the constants above, never input.
    script = (
        "import django, json; django.setup()\n"  # noqa: S608
        "from django.db import connection\n"
        "out = {}\n"
        f"for table in {TABLES!r}:\n"
        "    with connection.cursor() as c:\n"
        "        try:\n"
        "            c.execute(f'SELECT COUNT(*), COALESCE(SUM(id), 0) FROM {table}')\n"
        "        except Exception:\n"
        "            connection.rollback() if not connection.get_autocommit() else None\n"
        "            continue\n"
        "        out[table] = [str(x) for x in c.fetchone()]\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return {k: (int(v[0]), float(v[1])) for k, v in json.loads(done.stdout).items()}


def _postgres_url(name: str) -> str | None:
    url = f"postgres://postgres@127.0.0.1:5432/{name}"
    try:
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-U", "postgres", name],
            capture_output=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    # Each backend in the run of the suite on that backend (.ci/run runs both): a minute
    # and a half of subprocesses, not worth repeating in the other run.
    from django.conf import settings

    if request.param not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip(f"{request.param}: run by the suite on that database (DATABASE_URL)")
    # A name of its own: several test runs may share the PostgreSQL server.
    name = f"intake_kill_{os.getpid()}_{random.randrange(10**6)}"
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'kill.sqlite3'}"
    else:
        found = _postgres_url(name)
        if found is None:
            pytest.skip("PostgreSQL at 127.0.0.1 (createdb) is not available")
        url = found
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "SECURE_HTTPS": "0"}
    env.setdefault("SECRET_KEY", "kill-test-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz")
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    manage(env, "migrate", "--no-input")
    manage(env, "loadregions", "--province", "34")
    manage(env, "loadcatalog")
    yield env
    if request.param == "postgresql":
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name],
            capture_output=True,
            timeout=60,
        )


def desa_codes(env: dict[str, str]) -> list[str]:
    script = (
        "import django; django.setup()\n"
        "from regions.models import Region, Level\n"
        "print('\\n'.join(Region.objects.filter(level=Level.DESA).order_by('code')"
        ".values_list('code', flat=True)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    return done.stdout.split()


def test_sigkill_mid_import_leaves_the_database_exactly_as_before(
    scratch: dict[str, str], tmp_path: Path
) -> None:
    env = scratch
    codes = desa_codes(env)
    # Some values already there, so "as before" is not merely "empty".
    small = tmp_path / "small.csv"
    small.write_text(
        "kode_wilayah,kode_data,periode,nilai\n"
        + "".join(f"{c},BALITA_DIUKUR,2023-01,3\n" for c in codes[:50]),
        encoding="utf-8",
    )
    manage(env, "importvalues", str(small))
    path = tmp_path / "big.csv"
    rows = big_file(path, codes)
    before = fingerprint(env)
    rng = random.Random(4)
    for _trial in range(2):
        process = subprocess.Popen(
            # The synthetic values trip neighbour-outlier warnings: accepted, as an
            # operator would after reading them.
            [sys.executable, "manage.py", "importvalues", str(path), "--accept-warnings"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stderr is not None
        # Wait until the file has been read (progress lines), then kill during the writes.
        checked = 0
        for line in process.stderr:
            if "diperiksa" in line:
                checked = int(line.split()[1])
            if checked >= rows - 50_000:
                break
        time.sleep(rng.uniform(0.5, 3.0))
        still_running = process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = fingerprint(env)
        if still_running:
            assert after == before
        else:  # finished before the kill: then everything is there, never a part
            assert after["datavalues_datavalue"][0] == rows
            return
    manage(env, "importvalues", str(path), "--accept-warnings")
    assert fingerprint(env)["datavalues_datavalue"][0] >= rows
    if env["DATABASE_URL"].startswith("sqlite"):
        database = env["DATABASE_URL"].removeprefix("sqlite:///")
        with sqlite3.connect(database) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
