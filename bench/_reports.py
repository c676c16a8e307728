"""Child process: time the kecamatan reports in-process through Django's whole stack.

Usage: python -m bench._reports KECAMATAN YEAR N
Prints one JSON object with the PDF and XLSX timings (seconds), sizes and query counts.
"""

from __future__ import annotations

import json
import os
import sys
import time

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Assignment
    from regions.models import Level, Region

    kecamatan, year, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    user, created = get_user_model().objects.get_or_create(username="bench-national")
    if created:
        Assignment.objects.create(user=user, role="viewer", region=None)
    client = Client()
    client.force_login(user)
    desa = Region.objects.filter(parent_id=kecamatan, level=Level.DESA).count()
    out: dict[str, object] = {"kecamatan": kecamatan, "desa": desa}
    for kind in ("pdf", "xlsx"):
        url = f"/kecamatan/{kecamatan}/laporan.{kind}?periode={year}"
        client.get(url)  # warm-up: templates, fonts, imports
        timings = []
        for _ in range(count):
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        out[kind] = {"timings": timings, "bytes": len(response.content), "queries": len(queries)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
