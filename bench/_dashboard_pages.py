"""Child process: time the dashboard pages in-process through Django's whole stack.

Usage: python -m bench._dashboard_pages KABUPATEN N
Prints one JSON object with per-page timings (seconds), query counts and page weight.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import re
import sys
import time
from pathlib import Path

import django

SECTORS = ("kesehatan", "gizi", "pendidikan", "air_sanitasi", "sosial", "adminduk")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.staticfiles import finders
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Assignment
    from regions.models import Level, Region, within_code

    kabupaten, count = sys.argv[1], int(sys.argv[2])
    user, created = get_user_model().objects.get_or_create(username="bench-national")
    if created:
        Assignment.objects.create(user=user, role="viewer", region=None)
    client = Client()
    client.force_login(user)
    random.seed(7)

    kecamatan = list(
        Region.objects.filter(within_code(kabupaten), level=Level.KECAMATAN).values_list(
            "code", flat=True
        )
    )
    desa = list(
        Region.objects.filter(within_code(kabupaten), level=Level.DESA).values_list(
            "code", flat=True
        )
    )
    # The kecamatan with the most desa in the whole country: the query count must not grow.
    largest = (
        Region.objects.filter(level=Level.DESA)
        .values("parent_id")
        .annotate(n=Count("code"))
        .order_by("-n")
        .first()
    )
    assert largest is not None

    def sector_query() -> str:
        return f"?periode=2025&sektor={random.choice(SECTORS)}"

    def timed(urls: list[str]) -> list[float]:
        for url in urls[:5]:  # warm-up: templates compiled, connections open
            client.get(url)
        timings = []
        for url in urls:
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        return timings

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    pages = {
        "kecamatan": [
            f"/kecamatan/{random.choice(kecamatan)}/{sector_query()}" for _ in range(count)
        ],
        "desa": [f"/desa/{random.choice(desa)}/{sector_query()}" for _ in range(count // 2)],
        "budget": [
            f"/kecamatan/{random.choice(kecamatan)}/belanja/{sector_query()}"
            for _ in range(count // 2)
        ],
        "kabupaten": [f"/kabupaten/{kabupaten}/{sector_query()}" for _ in range(count // 2)],
        "national": [f"/nasional/{sector_query()}" for _ in range(max(count // 4, 20))],
    }
    out: dict[str, object] = {name: timed(urls) for name, urls in pages.items()}
    out["queries"] = {
        "kecamatan_demo": queries(f"/kecamatan/{kecamatan[0]}/?periode=2025&sektor=gizi"),
        "kecamatan_largest": queries(
            f"/kecamatan/{largest['parent_id']}/?periode=2025&sektor=gizi"
        ),
        "kecamatan_largest_desa": largest["n"],
        "kabupaten": queries(f"/kabupaten/{kabupaten}/?periode=2025&sektor=gizi"),
        "national": queries("/nasional/?periode=2025&sektor=gizi"),
        "desa": queries(f"/desa/{desa[0]}/?periode=2025"),
        "budget": queries(f"/kecamatan/{kecamatan[0]}/belanja/?periode=2025&sektor=gizi"),
    }

    # First load of a kecamatan page: the HTML and every asset it names, gzipped.
    html = client.get(f"/kecamatan/{kecamatan[0]}/?periode=2025&sektor=gizi").content
    assets = re.findall(rb'(?:href|src)="(/static/[^"?#]+)"', html)
    weights = {"html": len(gzip.compress(html))}
    for asset in assets:
        name = asset.decode().removeprefix(settings.STATIC_URL)
        path = finders.find(name)
        if path is None:  # hashed name after collectstatic
            path = str(Path(settings.STATIC_ROOT) / name)
        weights[name] = len(gzip.compress(Path(path).read_bytes()))
    out["weight_gzip_bytes"] = weights
    out["other_hosts"] = re.findall(rb'(?:href|src)="(?:https?:)?//[^"]+"', html)[:5]
    out["other_hosts"] = [h.decode() for h in out["other_hosts"]]  # type: ignore[attr-defined]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
