"""The activity counts kept beside the audit log equal counting the log itself."""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections import defaultdict
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from django.db.models import Count, Q
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from accounts import audit
from accounts.activity import (
    COUNTED,
    actions_since,
    active_users_since,
    monthly_since,
    rebuild,
)
from accounts.models import Action, ActivityDay, ActivityMonth, ActivityUser, AuditEvent

pytestmark = pytest.mark.django_db

K1, K2 = "91.01.01", "91.01.02"
REGIONS = (f"{K1}.2001", f"{K1}.2002", K1, f"{K2}.2001", "91.01", "", "92.01.01.2001")
ACTIONS = (*COUNTED, Action.LOGIN, Action.DENIED, Action.IMPORT)


def zone() -> Any:
    return timezone.get_default_timezone()


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=zone())


def trend_start(now: dt.datetime) -> dt.datetime:
    """Where programme monitoring's 12-month trend starts (planning.monitoring)."""
    return (now - dt.timedelta(days=365)).replace(day=1, hour=0, minute=0, second=0)


def mixed_writes(now: dt.datetime) -> None:
    """Events through every way the application writes them, at awkward moments: local
    midnight and just before it, month ends, a year back, the future; without a user,
    without a region, on a kabupaten, with actions that are not counted."""
    rng = random.Random(14)
    user = get_user_model().objects.create(username="pencatat")
    audit.record(Action.EDIT, user=user, region_code=f"{K1}.2001", summary="ubah nilai")
    audit.record(Action.IMPORT, username="operator", region_code=K2)
    audit.record(Action.LOGIN, user=user)
    today = timezone.localdate(now)
    moments = [
        midnight(today),
        midnight(today) - dt.timedelta(microseconds=1),
        midnight(today.replace(day=1)),
        midnight(today.replace(day=1)) - dt.timedelta(seconds=1),
        now - dt.timedelta(days=30),
        now - dt.timedelta(days=365),
        now + dt.timedelta(hours=3),
    ]
    for edge in (now - dt.timedelta(days=30), trend_start(now)):
        for minutes in (-1, 0, 1):
            AuditEvent.objects.create(
                at=edge + dt.timedelta(minutes=minutes),
                user_id=4,
                action=Action.EDIT,
                region_code=f"{K1}.2001",
            )
    moments += [now - dt.timedelta(seconds=rng.randrange(420 * 86400)) for _ in range(150)]

    def event(at: dt.datetime) -> AuditEvent:
        return AuditEvent(
            at=at,
            user_id=rng.choice((1, 2, 3, None)),
            action=rng.choice(ACTIONS),
            region_code=rng.choice(REGIONS),
        )

    for at in moments[:80]:
        event(at).save()
    AuditEvent.objects.bulk_create([event(at) for at in moments[80:]])


def from_the_log() -> tuple[dict[Any, list[int]], dict[Any, int], dict[Any, dt.datetime]]:
    """Days, months and users' latest events counted from the log, one event at a time."""
    days: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    months: dict[Any, int] = defaultdict(int)
    users: dict[Any, dt.datetime] = {}
    for e in AuditEvent.objects.all():
        if e.action not in COUNTED or not e.region_code:
            continue
        k, day = e.region_code[:8], timezone.localtime(e.at, zone()).date()
        days[k, day][0] += 1
        days[k, day][1] += e.action == Action.IMPORT
        months[k, day.replace(day=1)] += 1
        if e.user_id is not None:
            users[k, e.user_id] = max(users.get((k, e.user_id), e.at), e.at)
    return dict(days), dict(months), users


def kept() -> tuple[dict[Any, list[int]], dict[Any, int], dict[Any, dt.datetime]]:
    return (
        {(r.kecamatan, r.day): [r.actions, r.imports] for r in ActivityDay.objects.all()},
        {(r.kecamatan, r.month): r.actions for r in ActivityMonth.objects.all()},
        {(r.kecamatan, r.user_id): r.last_at for r in ActivityUser.objects.all()},
    )


def test_the_counts_equal_counting_the_log_after_a_mix_of_writes() -> None:
    mixed_writes(timezone.now())
    days, months, users = kept()
    assert (days, months, users) == from_the_log()
    assert (
        sum(n for n, _ in days.values())
        == AuditEvent.objects.filter(action__in=COUNTED).exclude(region_code="").count()
    )


def test_a_write_rolled_back_leaves_neither_the_event_nor_its_count() -> None:
    audit.record(Action.EDIT, username="a", region_code=f"{K1}.2001")
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(Action.EDIT, username="b", region_code=f"{K1}.2001")
        AuditEvent.objects.bulk_create([AuditEvent(action=Action.IMPORT, region_code=K2)])
        raise RuntimeError
    assert AuditEvent.objects.count() == 1
    assert list(ActivityDay.objects.values_list("kecamatan", "actions", "imports")) == [(K1, 1, 0)]
    assert ActivityMonth.objects.get().actions == 1


def test_rebuilding_from_the_log_gives_the_counts_kept_while_writing() -> None:
    mixed_writes(timezone.now())
    before = kept()
    ActivityDay.objects.update(actions=0)
    ActivityUser.objects.all().delete()
    sizes = rebuild()
    assert kept() == before
    assert sizes == {
        "activityday": len(before[0]),
        "activitymonth": len(before[1]),
        "activityuser": len(before[2]),
    }


def test_windows_starting_at_any_moment_count_what_the_log_counts() -> None:
    now = timezone.now()
    mixed_writes(now)
    codes = {K1, K2, "91.01", "99.99.99"}
    today = timezone.localdate(now)
    starts = [
        now - dt.timedelta(days=30),
        midnight(today),
        midnight(today) - dt.timedelta(microseconds=1),
        trend_start(now),
        midnight(today.replace(day=1)),
        now + dt.timedelta(days=1),
    ]
    for since in starts:
        log = (
            AuditEvent.objects.filter(at__gte=since, action__in=COUNTED)
            .annotate(k=Substr("region_code", 1, 8))
            .filter(k__in=codes)
            .order_by()
        )
        per = log.values("k").annotate(
            n=Count("id"),
            i=Count("id", filter=Q(action=Action.IMPORT)),
            u=Count("user_id", distinct=True),
        )
        assert actions_since(codes, since) == {r["k"]: (r["n"], r["i"]) for r in per}, since
        assert active_users_since(codes, since) == {r["k"]: r["u"] for r in per if r["u"]}
        months = log.annotate(m=TruncMonth("at")).values_list("m").annotate(n=Count("id"))
        assert monthly_since(codes, since) == {m.date(): n for m, n in months}, since


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_lose_no_count() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL")
    writers, each = 4, 15
    barrier = threading.Barrier(writers)

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(each):
                with transaction.atomic():
                    audit.record(Action.EDIT, username=f"w{n}", region_code=f"{K1}.2001")
                    AuditEvent.objects.create(
                        user_id=n * 100 + i, action=Action.IMPORT, region_code=K1
                    )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    day = ActivityDay.objects.get()
    assert (day.actions, day.imports) == (2 * writers * each, writers * each)
    assert ActivityMonth.objects.get().actions == 2 * writers * each
    assert ActivityUser.objects.count() == writers * each
