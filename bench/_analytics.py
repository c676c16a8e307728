"""Child process: time indicator figures on a loaded benchmark database.

Usage: python -m bench._analytics N
Prints one JSON object with per-request seconds for each scenario and query counts.
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
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import ApiToken
    from analytics.figures import (
        INDONESIA,
        Place,
        figure_for,
        figures_for_place,
        indicators_with_targets,
    )
    from catalog.periods import parse_period
    from datavalues.approval import PeriodApproval
    from datavalues.models import DataValue
    from datavalues.writing import ValueInput, save_values
    from regions.models import Level, Region

    count = int(sys.argv[1])
    random.seed(7)
    user, _ = get_user_model().objects.get_or_create(
        username="bench-analytics", defaults={"is_staff": True, "is_superuser": True}
    )
    token = ApiToken.issue(user=user, name="bench", days=1)[1]
    client = Client(headers={"Authorization": f"Bearer {token}"})
    kecamatan = list(
        Region.objects.filter(level=Level.KECAMATAN)
        .annotate(n=Count("children"))
        .filter(n__gte=10, n__lte=30)
        .values_list("code", flat=True)
    )
    indicators = [i.code for i in indicators_with_targets() if i.period_type == 4]
    period = "2025"
    out: dict[str, object] = {"kecamatan_with_10_to_30_desa": len(kecamatan)}

    def timed_get(urls: list[str]) -> tuple[list[float], int]:
        for url in urls[:10]:  # warm-up
            client.get(url)
        timings = []
        for url in urls:
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code, response.content)
        with CaptureQueriesContext(connection) as queries:
            client.get(urls[0])
        return timings, len(queries)

    urls = [
        f"/api/v1/analytics?indicator={random.choice(indicators)}&region={random.choice(kecamatan)}"
        f"&period={period}&level=children"
        for _ in range(count)
    ]
    out["kecamatan_desa_one_indicator"], out["kecamatan_desa_queries"] = timed_get(urls)
    urls = [
        f"/api/v1/analytics?indicator={random.choice(indicators)}&region=ID&period={period}"
        "&level=children"
        for _ in range(count)
    ]
    out["national_provinces_one_indicator"], out["national_queries"] = timed_get(urls)

    every = indicators_with_targets()
    spec = parse_period(period)
    places = [Place.of(r) for r in Region.objects.filter(code__in=random.sample(kecamatan, 50))]
    timings = []
    for i in range(count):
        start = time.perf_counter()
        figures_for_place(every, places[i % len(places)], spec)
        timings.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as queries:
        figures_for_place(every, places[0], spec)
    out["kecamatan_all_indicators_one_year"] = timings
    out["kecamatan_all_indicators_queries"] = len(queries)
    out["indicators"] = len(every)

    # One value saved, then read back in the national figure inside the same transaction.
    k01 = indicators_with_targets(["K01"])[0]
    # Desa of a period approved and locked (the oversight bench's sample approvals may
    # share this database) refuse the write, as they should: not timed.
    locked = PeriodApproval.objects.filter(period__code=period).values("region_id")
    desa = list(
        DataValue.objects.filter(element__code="BUMIL_ANC", period__code=period)
        .exclude(region_id__in=locked)
        .exclude(region__parent_id__in=locked)
        .values_list("region_id", "value")[:count]
    )
    timings = []
    for code, value in desa:
        with transaction.atomic():
            before = figure_for(k01, INDONESIA, spec).numerator or 0
            start = time.perf_counter()
            save_values(values=[ValueInput(code, "BUMIL_ANC", period, value + 1)], how="api")
            timings.append(time.perf_counter() - start)
            after = figure_for(k01, INDONESIA, spec).numerator or 0
            assert abs(after - before - 1) < 1e-6, (before, after)
    out["save_one_value"] = timings
    print(json.dumps(out))


if __name__ == "__main__":
    main()
