"""Child process: time pages in-process through Django's full stack (middleware, view, template).

Usage: python -m bench._pages URL_TEMPLATE LEVEL N [CODE_PREFIX]
Prints one JSON object: per-request seconds and the query count of one request.
"""

from __future__ import annotations

import json
import os
import random
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

    from regions.models import Region

    url_template, level, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    regions = Region.objects.filter(level=level)
    if len(sys.argv) > 4:
        regions = regions.descendants_of(sys.argv[4])
    codes = list(regions.values_list("code", flat=True))
    random.seed(7)
    sample = [random.choice(codes) for _ in range(count)]

    from accounts.models import Assignment

    user, created = get_user_model().objects.get_or_create(username="bench-national")
    if created:
        Assignment.objects.create(user=user, role="viewer", region=None)
    client = Client()
    client.force_login(user)
    for code in sample[:10]:  # warm-up
        client.get(url_template.format(code=code))
    timings = []
    for code in sample:
        start = time.perf_counter()
        response = client.get(url_template.format(code=code))
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (code, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url_template.format(code=sample[0]))
    print(json.dumps({"timings": timings, "queries": len(queries)}))


if __name__ == "__main__":
    main()
