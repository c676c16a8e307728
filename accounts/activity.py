"""Activity counts kept beside the audit log, and reading them for programme monitoring.

Counting the audit log at read time does not scale: monitoring a 1,007-kecamatan cohort
counted about 3 million events per page (docs/PERFORMANCE.md, "Oversight"). Each counted
event (an action of `COUNTED` with a region) therefore also adds, in the transaction that
writes it (AuditEvent.save and AuditEventQuerySet.bulk_create call `count`):

- one to its kecamatan's day (ActivityDay, imports also apart) and month (ActivityMonth);
- its time to its user's latest event on the kecamatan (ActivityUser), if it has a user.

The kecamatan is the first 8 characters of the region code (a desa's code starts with its
kecamatan's); days and months are those of settings.TIME_ZONE. Each write is an
`INSERT ... ON CONFLICT DO UPDATE` adding to the row, never a read followed by a write, so
concurrent writers on PostgreSQL cannot lose a count. The rows written stay locked until the
transaction commits, so a long transaction records its event last (the imports do), or
writers on the same kecamatan and day wait for it. `rebuild` makes the counts again from
the log (the migration that introduced them, the benchmark's generated log, a change of
TIME_ZONE).

The readers give exactly what counting the log gives for a window starting at any moment:
whole days (or months) come from the counts, and the part of a day (or month) before or
after the window's start from the log itself, through its `at` index.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps as installed_apps
from django.apps.registry import Apps
from django.db import connections, transaction
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Substr, TruncDate, TruncMonth
from django.utils import timezone

from accounts.models import Action, ActivityDay, ActivityMonth, ActivityUser, AuditEvent
from regions.codes import CODE_WIDTH

COUNTED = (Action.EDIT, Action.IMPORT, Action.APPROVAL, Action.EXPORT)
KECAMATAN = CODE_WIDTH[3]  # characters of a region code naming its kecamatan


def _local(at: dt.datetime) -> dt.datetime:
    zone = timezone.get_default_timezone()
    if timezone.is_naive(at):
        return timezone.make_aware(at, zone)
    return timezone.localtime(at, zone)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_default_timezone())


def count(events: Iterable[AuditEvent], using: str = "default") -> None:
    """Add `events` (just written) to the counts. Call it in the transaction that wrote them."""
    days: dict[tuple[str, dt.date], list[int]] = defaultdict(lambda: [0, 0])
    months: dict[tuple[str, dt.date], int] = defaultdict(int)
    users: dict[tuple[str, int], dt.datetime] = {}
    for event in events:
        if event.action not in COUNTED or not event.region_code:
            continue
        kecamatan = event.region_code[:KECAMATAN]
        at = _local(event.at)
        day = days[kecamatan, at.date()]
        day[0] += 1
        day[1] += event.action == Action.IMPORT
        months[kecamatan, at.date().replace(day=1)] += 1
        if event.user_id is not None:
            key = (kecamatan, event.user_id)
            users[key] = max(users.get(key, at), at)
    if not days:
        return
    connection = connections[using]
    ops = connection.ops
    table = ops.quote_name
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    day_table = table(ActivityDay._meta.db_table)
    month_table = table(ActivityMonth._meta.db_table)
    user_table = table(ActivityUser._meta.db_table)
    with connection.cursor() as cursor:
        # Table names come from the models; every value is a parameter.
        cursor.executemany(
            f"INSERT INTO {day_table} (kecamatan, day, actions, imports) "  # noqa: S608
            "VALUES (%s, %s, %s, %s) ON CONFLICT (kecamatan, day) DO UPDATE SET "
            f"actions = {day_table}.actions + excluded.actions, "
            f"imports = {day_table}.imports + excluded.imports",
            [
                (k, ops.adapt_datefield_value(day), n, imports)
                for (k, day), (n, imports) in sorted(days.items())
            ],
        )
        cursor.executemany(
            f"INSERT INTO {month_table} (kecamatan, month, actions) "  # noqa: S608
            "VALUES (%s, %s, %s) ON CONFLICT (kecamatan, month) DO UPDATE SET "
            f"actions = {month_table}.actions + excluded.actions",
            [(k, ops.adapt_datefield_value(m), n) for (k, m), n in sorted(months.items())],
        )
        if users:
            cursor.executemany(
                f"INSERT INTO {user_table} (kecamatan, user_id, last_at) "  # noqa: S608
                "VALUES (%s, %s, %s) ON CONFLICT (kecamatan, user_id) DO UPDATE SET "
                f"last_at = {greatest}({user_table}.last_at, excluded.last_at)",
                [
                    (k, user, ops.adapt_datetimefield_value(at))
                    for (k, user), at in sorted(users.items())
                ],
            )


def rebuild(using: str = "default", apps: Apps = installed_apps) -> dict[str, int]:
    """Make the counts again from the whole audit log; the number of rows of each table.
    On PostgreSQL the log is locked against writers meanwhile (readers go on)."""
    connection = connections[using]
    event = apps.get_model("accounts", "AuditEvent")
    day = apps.get_model("accounts", "ActivityDay")
    month = apps.get_model("accounts", "ActivityMonth")
    user = apps.get_model("accounts", "ActivityUser")
    zone = timezone.get_default_timezone()
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {event._meta.db_table} IN SHARE MODE")
        for model in (day, month, user):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608
        events = (
            event.objects.using(using)
            .filter(action__in=COUNTED)
            .exclude(region_code="")
            .annotate(k=Substr("region_code", 1, KECAMATAN))
            .order_by()
        )
        _insert(
            cursor,
            day,
            ("kecamatan", "day", "actions", "imports"),
            events.annotate(d=TruncDate("at", tzinfo=zone))
            .values("k", "d")
            .annotate(n=Count("id"), i=Count("id", filter=Q(action=Action.IMPORT)))
            .values_list("k", "d", "n", "i"),
        )
        _insert(
            cursor,
            month,
            ("kecamatan", "month", "actions"),
            day.objects.using(using)
            .annotate(m=TruncMonth("day"))
            .values("kecamatan", "m")
            .annotate(n=Sum("actions"))
            .values_list("kecamatan", "m", "n")
            .order_by(),
        )
        _insert(
            cursor,
            user,
            ("kecamatan", "user_id", "last_at"),
            events.exclude(user_id=None)
            .values("k", "user_id")
            .annotate(last=Max("at"))
            .values_list("k", "user_id", "last"),
        )
    return {m._meta.model_name: m.objects.using(using).count() for m in (day, month, user)}


def _insert(cursor: Any, model: Any, columns: tuple[str, ...], rows: QuerySet[Any]) -> None:
    """INSERT ... SELECT: the rows of an aggregate query into `model`'s table, in the database."""
    select, params = rows.query.sql_with_params()
    cursor.execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) {select}",
        params,
    )


def _edge(codes: set[str], start: dt.datetime, stop: dt.datetime) -> QuerySet[Any]:
    """Counted events of the cohort from `start` (included) to `stop` (excluded), from the log."""
    return (
        AuditEvent.objects.filter(at__gte=start, at__lt=stop, action__in=COUNTED)
        .annotate(k=Substr("region_code", 1, KECAMATAN))
        .filter(k__in=sorted(codes))
        .order_by()
    )


def actions_since(codes: set[str], since: dt.datetime) -> dict[str, tuple[int, int]]:
    """Per kecamatan of `codes`: counted events and imports at or after `since`."""
    first = _local(since).date() + dt.timedelta(days=1)
    out: dict[str, tuple[int, int]] = {}
    rows = (
        ActivityDay.objects.filter(day__gte=first, kecamatan__in=sorted(codes))
        .values("kecamatan")
        .annotate(n=Sum("actions"), i=Sum("imports"))
        .values_list("kecamatan", "n", "i")
        .order_by()
    )
    for k, n, imports in rows:
        out[k] = (n, imports)
    edge = (
        _edge(codes, since, _midnight(first))
        .values("k")
        .annotate(n=Count("id"), i=Count("id", filter=Q(action=Action.IMPORT)))
        .values_list("k", "n", "i")
    )
    for k, n, imports in edge:
        before = out.get(k, (0, 0))
        out[k] = (before[0] + n, before[1] + imports)
    return out


def active_users_since(codes: set[str], since: dt.datetime) -> dict[str, int]:
    """Per kecamatan of `codes`: distinct users with a counted event at or after `since`."""
    return dict(
        ActivityUser.objects.filter(last_at__gte=since, kecamatan__in=sorted(codes))
        .values("kecamatan")
        .annotate(n=Count("*"))
        .values_list("kecamatan", "n")
        .order_by()
    )


def monthly_since(codes: set[str], start: dt.datetime) -> dict[dt.date, int]:
    """Counted events of `codes` at or after `start` per month (its first day), months with
    none left out."""
    local = _local(start)
    first = local.date().replace(day=1)
    months: dict[dt.date, int] = dict(
        ActivityMonth.objects.filter(month__gte=first, kecamatan__in=sorted(codes))
        .values("month")
        .annotate(n=Sum("actions"))
        .values_list("month", "n")
        .order_by()
    )
    if first in months:
        # The first month counts from `start`, not from its first day.
        months[first] -= _edge(codes, _midnight(first), start).count()
    return {m: n for m, n in months.items() if n}
