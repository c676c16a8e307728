"""`make screenshots`: PNGs of the dashboard pages at 360 px and 1280 px in docs/screenshots/.

Starts the app on a free local port against its own SQLite file with the demo data
(`setupdemo`; desa boundaries too when DASHKEC_REAL_DATA names the public data directory),
signs in a national reader and photographs each page with Debian's Chromium via Playwright.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
DATABASE = Path(
    os.environ.get("SCREENSHOT_DB", Path(tempfile.gettempdir()) / "dashkec-screenshots.sqlite3")
)
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

PAGES = {
    "kecamatan": "/kecamatan/34.04.01/?periode=2025&sektor=gizi&indikator=G02",
    "desa": "/desa/34.04.01.2001/?periode=2025&sektor=gizi&indikator=G02",
    "belanja": "/kecamatan/34.04.01/belanja/?periode=2025&sektor=air_sanitasi",
    "kabupaten": "/kabupaten/34.04/?periode=2025&sektor=kesehatan",
}
# Planning pages, photographed as the camat of 34.04.01 (who sees the forms).
CAMAT_PAGES = {
    "tugas-saya": "/",
    "persetujuan": "/persetujuan/",
    "rekomendasi": "/desa/34.04.01.2001/rekomendasi/?periode=2024",
    "evaluasi-apbdes": "/desa/34.04.01.2001/evaluasi-apbdes/?periode=2024",
    "tindak-lanjut": "/kecamatan/34.04.01/tindak-lanjut/",
}
WIDTHS = (360, 1280)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{DATABASE}",
        DEBUG="1",  # runserver then serves the static files itself
        SECRET_KEY=env.get(
            "SECRET_KEY", "screenshots-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz"
        ),
        SECURE_HTTPS="0",
    )
    return env


def manage(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(),
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


SESSION_SCRIPT = """
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from accounts.models import Assignment
user, created = User.objects.get_or_create(username="pembaca-tangkapan-layar")
if created:
    Assignment.objects.create(user=user, role="viewer", region=None)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.save()
print(session.session_key)
"""

# The camat of 34.04.01 and a few follow-ups (one overdue, one escalated to an OPD), so the
# tracker is photographed as it looks in use; created once per screenshot database.
CAMAT_SCRIPT = """
import datetime as dt
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from accounts.models import Assignment
from catalog.models import Indicator
from planning.followups import FollowUp, FollowUpChange, change_status, create_follow_up
from regions.models import Region
user, created = User.objects.get_or_create(username="camat-tangkapan-layar")
if created:
    Assignment.objects.create(user=user, role="kecamatan", region_id="34.04.01")
if not FollowUp.objects.exists():
    today = dt.date.today()
    desa = list(Region.objects.filter(parent_id="34.04.01").order_by("code")[:3])
    rows = [
        (desa[0], "G01", "Stunting 2024 di atas target", "Posyandu hanya buka 6 bulan",
         "Anggarkan PMT dan kelas ibu hamil (2.2.02) di APBDes", "desa", "", 45),
        (desa[1], "K01", "Kunjungan ANC rendah", "Bidan desa merangkap dua desa",
         "Usulkan penambahan bidan ke Dinas Kesehatan", "opd", "dinkes", 90),
        (desa[2], "W01", "Akses air minum layak rendah di dusun atas", "Mata air jauh",
         "Perpipaan dari mata air (2.4.04)", "desa", "", 20),
    ]
    for d, code, problem, cause, action, owner, opd, days in rows:
        create_follow_up(by="camat", desa=d, indicator=Indicator.objects.get(code=code),
                         problem=problem, cause=cause, action=action, owner=owner, opd=opd,
                         due_date=today + dt.timedelta(days=days))
    late = FollowUp.objects.get(indicator__code="W01")
    change_status(follow_up=late, status="berjalan", note="Survei jalur pipa selesai", by="camat")
    FollowUp.objects.filter(pk=late.pk).update(due_date=today - dt.timedelta(days=10))
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.save()
print(session.session_key)
"""

# An APBDes file sent by the camat for the preview page: one line as stored, one changed, one
# new, one with an unknown source of funds and one for a desa outside the kecamatan.
APBDES_SCRIPT = """
import io
from intake import apbdes, importing
from intake.models import Upload
from planning.models import BudgetLine
from django.contrib.auth.models import User
user = User.objects.get(username="camat-tangkapan-layar")
upload = Upload.objects.filter(kind="apbdes", uploaded_by=user).first()
if upload is None:
    a, b = BudgetLine.objects.filter(desa_id="34.04.01.2001", stage="final").order_by("year", "kegiatan_code")[:2]
    rows = ["kode_desa;tahun;kode_kegiatan;nama_kegiatan;sumber_dana;anggaran;realisasi"]
    for line, budget in ((a, a.budget_rp), (b, b.budget_rp + 2_500_000)):
        rows.append(f"{line.desa_id};{line.year};{line.kegiatan_code};{line.name};"
                    f"{line.fund_source};{budget};{line.realised_rp if line.realised_rp is not None else ''}")
    rows.append(f"34.04.01.2002;{a.year};2.2.02;Penyelenggaraan Posyandu (PMT, kelas ibu hamil);DD;45.000.000;")
    rows.append(f"34.04.01.2003;{a.year};2.1.01;Penyelenggaraan PAUD;Dana Hibah;20.000.000;")
    rows.append(f"34.04.02.2001;{a.year};2.4.04;Perpipaan air minum;DD;60.000.000;")
    content = ("\\n".join(rows) + "\\n").encode()
    upload = importing.receive(name="apbdes-gamping-2025.csv", stream=io.BytesIO(content),
                               size=len(content), by=user, kind="apbdes", period="")
    apbdes.record_plan(upload, apbdes.plan_upload(upload, by=user))
print(upload.pk)
"""


def main(wanted: list[str]) -> None:
    """Photograph every page, or only those named on the command line."""
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        sys.exit(f"Chromium tidak ada di {CHROMIUM} (paket Debian 'chromium').")
    from playwright.sync_api import sync_playwright

    manage("migrate", "--no-input", "-v0")
    manage("setupdemo")
    session = manage("shell", "-c", SESSION_SCRIPT).strip().splitlines()[-1]
    camat = manage("shell", "-c", CAMAT_SCRIPT).strip().splitlines()[-1]
    budget_upload = manage("shell", "-c", APBDES_SCRIPT).strip().splitlines()[-1]
    camat_pages = CAMAT_PAGES | {"impor-apbdes": f"/impor/apbdes/{budget_upload}/"}
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/masuk/", timeout=1)  # noqa: S310 (local)
                break
            except OSError:
                time.sleep(0.2)
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            for width in WIDTHS:
                for cookie, pages in ((session, PAGES), (camat, camat_pages)):
                    context = browser.new_context(viewport={"width": width, "height": 800})
                    context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
                    page = context.new_page()
                    for name, path in pages.items():
                        if wanted and name not in wanted:
                            continue
                        page.goto(base + path)
                        target = OUT / f"{name}-{width}.png"
                        page.screenshot(path=str(target), full_page=True)
                        print(target.relative_to(ROOT))
                    context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main(sys.argv[1:])
