"""Child process: time the kabupaten oversight pages, the programme monitoring page and the
two PDFs in-process through Django's whole stack, with a signed-in national reader.

Usage: python -m bench._oversight_pages COHORT_ID PDF_KABUPATEN N MONITORING_N KABUPATEN...
Prints one JSON object: per-page timings (seconds), query counts, PDF timings and sizes.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time

import django

PDF_RUNS = 3


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import Assignment
    from planning.minutes import agreed
    from regions.models import Level, Region

    cohort_id, pdf_kabupaten, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    monitoring_count = int(sys.argv[4])
    kabupaten = sys.argv[5:]
    user, created = get_user_model().objects.get_or_create(username="bench-national")
    if created:
        Assignment.objects.create(user=user, role="admin", region=None)
    # A national administrator signs in with a second factor: a confirmed TOTP device.
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="TOTP", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    random.seed(7)
    year = timezone.localdate().year - 1
    pages = {
        "overview_and_matrix": "/kabupaten/{code}/pengawasan/",
        "completeness": f"/kabupaten/{{code}}/kelengkapan/{year}/",
        "approvals": f"/kabupaten/{{code}}/persetujuan/{year}/",
        "evaluations": "/kabupaten/{code}/evaluasi-apbdes/",
        "follow_ups": "/kabupaten/{code}/tindak-lanjut/",
        "proposals_by_opd": "/kabupaten/{code}/usulan/",
        "escalations_by_opd": "/kabupaten/{code}/eskalasi/",
        "budget_alignment": f"/kabupaten/{{code}}/belanja/?periode={year}",
    }

    def get(url: str) -> float:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, (url, response.status_code)
        return elapsed

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            get(url)
        return len(captured)

    out: dict[str, object] = {}
    counted: dict[str, int] = {}
    for name, template in pages.items():
        urls = [template.format(code=random.choice(kabupaten)) for _ in range(count)]
        for url in urls[:5]:  # warm-up: templates compiled, connections open
            get(url)
        out[name] = [get(url) for url in urls]
        counted[name] = queries(template.format(code=pdf_kabupaten))
    monitoring = f"/program/{cohort_id}/"
    for _ in range(3):
        get(monitoring)
    out["programme_monitoring"] = [get(monitoring) for _ in range(monitoring_count)]
    counted["programme_monitoring"] = queries(monitoring)
    out["queries"] = counted

    # PDFs of the 20-kecamatan kabupaten: the kabupaten report and one kecamatan's berita
    # acara (the kecamatan of the kabupaten with the most agreed proposals).
    plan_year = timezone.localdate().year + 1
    kecamatan = max(
        Region.objects.filter(parent_id=pdf_kabupaten, level=Level.KECAMATAN),
        key=lambda k: agreed(k, plan_year).count(),
    )
    pdfs = {
        "kabupaten_pdf": f"/kabupaten/{pdf_kabupaten}/laporan.pdf?periode={year}",
        "berita_acara_pdf": f"/kecamatan/{kecamatan.code}/usulan/berita-acara.pdf?tahun={plan_year}",
    }
    for name, url in pdfs.items():
        client.get(url)  # warm-up: fonts and stylesheet loaded once per process
        runs = []
        for _ in range(PDF_RUNS):
            start = time.perf_counter()
            response = client.get(url)
            body = b"".join(response) if response.streaming else response.content
            runs.append(time.perf_counter() - start)
            assert response.status_code == 200 and body.startswith(b"%PDF"), (url, body[:80])
        out[name] = {"runs_s": [round(r, 2) for r in runs], "bytes": len(body), "url": url}
    out["berita_acara_items"] = agreed(kecamatan, plan_year).count()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
