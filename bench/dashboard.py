"""Dashboard pages on the demo kabupaten: server time (median, p95) and queries per page, page
weight, largest contentful paint on a throttled phone profile, and 50 concurrent users.

Data: all of Indonesia's regions, the catalogue, and `seeddemo` + `seeddemobudget` for
Kabupaten Sleman (34.04: 17 kecamatan, 86 desa, 2021–2025) — the demo scale, not the national
20 M-value set (see docs/PERFORMANCE.md). Databases: a fresh SQLite file and the PostgreSQL
database bench_dashboard. Options: --sqlite-only, --pg-only, --requests=N, --no-browser
(skip LCP and the load test, which need Chromium and gunicorn).
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from bench._support import (
    ROOT,
    bench_env,
    child_json,
    databases,
    fresh_database,
    local_targets_script,
    manage,
    option,
    percentile,
    save,
    summary_ms,
)

KABUPATEN = "34.04"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
USERS = 50
LOAD_SECONDS = 60
# A user reads a page before opening the next (locust's `wait_time = between(3, 7)`): 50 such
# users ask for about 10 pages a second. Without reading time 50 threads on a 2-core machine
# would measure only the queue in front of the CPU.
THINK_SECONDS = (3.0, 7.0)
# Lighthouse's "Slow 4G" mobile profile: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up.
SLOW_4G = {"latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SESSION_SCRIPT = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import Assignment
user, created = get_user_model().objects.get_or_create(username="bench-national")
if created:
    Assignment.objects.create(user=user, role="viewer", region=None)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.save()
print(session.session_key)
"""


def _gunicorn(url: str, port: int) -> subprocess.Popen[bytes]:
    workers = str(2 * (os.cpu_count() or 1) + 1)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            workers,
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=bench_env(url),
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/masuk/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def _lcp(base: str, session: str, path: str) -> list[float]:
    from playwright.sync_api import sync_playwright

    values = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        for _ in range(5):
            context = browser.new_context(viewport={"width": 360, "height": 740})
            context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Network.emulateNetworkConditions", {"offline": False, **SLOW_4G})
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            page.goto(base + path, wait_until="load")
            values.append(
                page.evaluate(
                    """() => new Promise(done => new PerformanceObserver(list => {
                        const entries = list.getEntries();
                        done(entries[entries.length - 1].startTime);
                    }).observe({type: "largest-contentful-paint", buffered: true}))"""
                )
                / 1000
            )
            context.close()
        browser.close()
    return values


def _load(base: str, session: str, kecamatan: list[str]) -> dict[str, object]:
    """USERS threads, each opening a kecamatan page, reading it, opening the next."""
    import http.client
    import random

    timings: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + LOAD_SECONDS
    host, port = base.removeprefix("http://").split(":")

    def user(number: int) -> None:
        rng = random.Random(number)
        time.sleep(rng.uniform(0, THINK_SECONDS[1]))  # users arrive spread out, not at once
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        while time.monotonic() < deadline:
            path = f"/kecamatan/{rng.choice(kecamatan)}/?periode=2025&sektor=" + rng.choice(
                ["kesehatan", "gizi", "pendidikan", "air_sanitasi", "sosial", "adminduk"]
            )
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": f"sessionid={session}"})
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                status = 0
                connection = http.client.HTTPConnection(host, int(port), timeout=30)
                with lock:
                    errors.append(repr(exc))
            elapsed = time.perf_counter() - start
            with lock:
                timings.append(elapsed)
                if status != 200:
                    errors.append(str(status))
            time.sleep(rng.uniform(*THINK_SECONDS))

    threads = [threading.Thread(target=user, args=(n,)) for n in range(USERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "users": USERS,
        "think_time_s": list(THINK_SECONDS),
        "seconds": LOAD_SECONDS,
        "requests": len(timings),
        "errors": len(errors),
        "error_examples": errors[:3],
        "median_ms": round(statistics.median(timings) * 1000, 1) if timings else None,
        "p95_ms": round(percentile(timings, 95) * 1000, 1) if timings else None,
        "requests_per_s": round(len(timings) / LOAD_SECONDS, 1),
    }


def run_backend(kind: str, requests: int, browser: bool) -> dict[str, object]:
    url = fresh_database(kind, "bench_dashboard")
    manage(url, "migrate", "--no-input", "-v0")
    manage(url, "collectstatic", "--no-input", "-v0")
    manage(url, "loadregions")
    manage(url, "loadcatalog")
    manage(url, "seeddemo", "--kabupaten", KABUPATEN)
    manage(url, "seeddemobudget", "--kabupaten", KABUPATEN)
    manage(url, "shell", "-c", local_targets_script(KABUPATEN))
    real = os.environ.get("DASHKEC_REAL_DATA")
    if real:
        manage(url, "importboundaries", f"{real}/boundaries/34_diy_desa_kelurahan.geojson")
    data = child_json(url, "bench._dashboard_pages", KABUPATEN, str(requests))
    figures: dict[str, object] = {
        "data": f"seeddemo {KABUPATEN} 2021–2025 (86 desa), all Indonesian regions loaded",
        "desa_polygons": bool(real),
        **{
            f"{page}_page": summary_ms(data[page])
            for page in ("kecamatan", "desa", "budget", "kabupaten", "national")
        },
        "queries": data["queries"],
        "kecamatan_first_load_gzip_kb": round(sum(data["weight_gzip_bytes"].values()) / 1024, 1),
        "kecamatan_first_load_parts_gzip_bytes": data["weight_gzip_bytes"],
        "requests_to_other_hosts": data["other_hosts"],
    }
    if browser and (shutil.which("chromium") or os.path.exists(CHROMIUM)):
        port = _free_port()
        server = _gunicorn(url, port)
        try:
            base = f"http://127.0.0.1:{port}"
            session = manage(url, "shell", "-c", SESSION_SCRIPT).output.strip().splitlines()[-1]
            lcp = _lcp(base, session, "/kecamatan/34.04.01/?periode=2025&sektor=gizi")
            figures["kecamatan_lcp_slow4g_cpu4x_s"] = {
                "median": round(statistics.median(lcp), 2),
                "max": round(max(lcp), 2),
                "runs": [round(v, 2) for v in lcp],
            }
            kecamatan = [f"34.04.{n:02d}" for n in range(1, 18)]
            figures["load_50_users_gunicorn"] = _load(base, session, kecamatan)
        finally:
            server.terminate()
            server.wait(timeout=20)
    return figures


def run(args: list[str]) -> None:
    backends = databases(args)
    requests = option(args, "requests", 200)
    browser = "--no-browser" not in args
    results: dict[str, object] = {kind: run_backend(kind, requests, browser) for kind in backends}
    name = "dashboard" if len(backends) == 2 else f"dashboard-{backends[0]}"
    save(name, results)
