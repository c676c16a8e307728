"""Child process: the oversight data of `bench/oversight.py`.

Usage: python -m bench._oversight_seed cohort KECAMATAN KABUPATEN_PER_PROVINCE
       python -m bench._oversight_seed planning KABUPATEN...
       python -m bench._oversight_seed audit EVENTS
Prints one JSON object (the last line) with what was made and how long it took.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time

import django

# The ten provinces of the programme (P3PD): Aceh, Sumatera Utara, Jawa Tengah, Jawa Timur,
# NTB, NTT, Kalimantan Selatan, Kalimantan Timur, Sulawesi Utara, Sulawesi Selatan.
PROVINCES = ("11", "12", "33", "35", "52", "53", "63", "64", "71", "73")
COHORT = "Benchmark P3PD 1.007 kecamatan"
USERS = 3000
ACTIONS = ("edit", "edit", "edit", "import", "approval", "export", "login", "edit", "logout")
DAYS = 730  # events spread over the last two years


def cohort(size: int, per_province: int) -> dict[str, object]:
    """`size` kecamatan from the `per_province` largest kabupaten/kota of each province,
    taken round-robin over those kabupaten, and one user assigned to each kecamatan."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from accounts.models import Assignment
    from planning.cohorts import load_cohort
    from regions.models import Level, Region

    per: dict[str, list[str]] = {}
    for province in PROVINCES:
        largest = (
            Region.objects.filter(parent_id=province, level=Level.KABUPATEN)
            .annotate(n=Count("children"))
            .order_by("-n", "code")
            .values_list("code", flat=True)[:per_province]
        )
        for code in largest:
            per[code] = list(
                Region.objects.filter(parent_id=code, level=Level.KECAMATAN)
                .order_by("code")
                .values_list("code", flat=True)
            )
    codes: list[str] = []
    while len(codes) < size and any(per.values()):
        for kecamatan in per.values():
            if kecamatan and len(codes) < size:
                codes.append(kecamatan.pop(0))
    loaded = load_cohort(COHORT, codes)
    # Users assigned to cohort kecamatan, with a last sign-in in the last 60 days.
    User = get_user_model()
    now = dt.datetime.now(dt.UTC)
    if not User.objects.filter(username__startswith="bench-kec-").exists():
        users = User.objects.bulk_create(
            [
                User(
                    username=f"bench-kec-{i}",
                    last_login=now - dt.timedelta(hours=(i * 37) % (60 * 24)),
                )
                for i in range(len(codes))
            ],
            batch_size=2000,
        )
        Assignment.objects.bulk_create(
            [
                Assignment(user=u, role="kecamatan", region_id=c)
                for u, c in zip(users, codes, strict=True)
            ],
            batch_size=2000,
        )
    used = sorted({c[:5] for c in codes})
    return {
        "cohort_id": loaded.cohort.pk,
        "kecamatan": loaded.members,
        "kabupaten": len(used),
        "kabupaten_codes": used,
        "provinces": len({c[:2] for c in codes}),
    }


def planning(kabupaten: list[str]) -> dict[str, object]:
    from planning.demo import already_seeded, seed_planning

    totals: dict[str, int] = {
        "kecamatan": 0,
        "follow_ups": 0,
        "proposals": 0,
        "evaluations": 0,
        "approvals": 0,
    }
    for code in kabupaten:
        if already_seeded(code):
            continue
        seeded = seed_planning(code)
        for key in totals:
            totals[key] += getattr(seeded, key)
    return dict(totals.items())


def audit(events: int) -> dict[str, object]:
    """`events` audit events on the desa of the whole country, in SQL (no Python per row),
    and the activity counts kept beside them (accounts.activity)."""
    from django.db import connection, transaction

    from accounts.activity import rebuild
    from accounts.models import AuditEvent

    have = AuditEvent.objects.count()
    wanted = events - have
    if wanted <= 0:
        return {"events": have, "added": 0}
    postgres = connection.vendor == "postgresql"
    actions = ", ".join(f"'{a}'" for a in ACTIONS)
    chunk = 1_000_000
    # Oldest first, as an append-only log grows: the rows of a month lie together on disk.
    step = DAYS * 86400 / events
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_desa")
        cursor.execute(
            "CREATE TEMP TABLE bench_desa AS SELECT code, "
            "row_number() OVER (ORDER BY code) - 1 AS rn FROM regions_region WHERE level = 4"
        )
        cursor.execute("CREATE INDEX bench_desa_rn ON bench_desa (rn)")
        cursor.execute("SELECT count(*) FROM bench_desa")
        desa = cursor.fetchone()[0]
        for start in range(have, events, chunk):
            stop = min(events, start + chunk)
            if postgres:
                series = f"generate_series({start}::bigint, {stop - 1}) AS s(g)"
                at = f"now() - ({events} - g) * interval '{step} seconds'"
                action = f"(ARRAY[{actions}])[1 + g % {len(ACTIONS)}]"
                detail = "'{}'::jsonb"
            else:
                series = (
                    f"(WITH RECURSIVE s(g) AS (SELECT {start} UNION ALL SELECT g + 1 FROM s "  # noqa: S608
                    f"WHERE g < {stop - 1}) SELECT g FROM s) AS s"
                )
                at = (
                    "strftime('%Y-%m-%d %H:%M:%f', 'now', "
                    f"'-' || (({events} - g) * {step}) || ' seconds')"
                )
                action = f"json_extract('[{actions.replace(chr(39), chr(34))}]', "
                action += f"'$[' || (g % {len(ACTIONS)}) || ']')"
                detail = "'{}'"
            with transaction.atomic():
                cursor.execute(
                    # Every interpolated part is an integer or a constant of this module.
                    "INSERT INTO accounts_auditevent (at, user_id, username, action, "  # noqa: S608
                    "region_code, summary, detail, ip_address, user_agent) "
                    f"SELECT {at}, 1000000 + g % {USERS}, 'bench-' || (g % {USERS}), "
                    f"{action}, d.code, 'benchmark', {detail}, NULL, '' "
                    f"FROM {series} JOIN bench_desa d ON d.rn = (g * 7919) % {desa}"
                )
            print(f"audit events {stop:,}", file=sys.stderr, flush=True)
    # The rows bypassed AuditEvent.save: the activity counts are made from the log.
    started = time.perf_counter()
    counts = rebuild()
    counted = round(time.perf_counter() - started, 1)
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("ANALYZE accounts_auditevent")
            for table in ("activityday", "activitymonth", "activityuser"):
                cursor.execute(f"VACUUM ANALYZE accounts_{table}")
        else:
            cursor.execute("ANALYZE")
    return {
        "events": AuditEvent.objects.count(),
        "added": wanted,
        "count_rows": counts,
        "count_seconds": counted,
    }


def analyze() -> dict[str, object]:
    """Statistics for every table: the regions and planning rows were loaded in bulk, and a
    server without autovacuum (this one) never gathers them; the planner then guesses (a
    bitmap over all 84,000 desa to find one kabupaten's 300)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    start = time.perf_counter()
    what = sys.argv[1]
    if what == "cohort":
        out = cohort(int(sys.argv[2]), int(sys.argv[3]))
    elif what == "planning":
        out = planning(sys.argv[2:])
    elif what == "analyze":
        out = analyze()
    else:
        out = audit(int(sys.argv[2]))
    out["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
