"""Notices derived from the state of the cycle, each created once per user.

Nothing on the write paths (follow-ups, approval, evaluation) has to remember to notify:
`refresh_for` (on the user's home and inbox) and `refresh_all` (the daily job) look at the
current state and add the notices that are missing. A notice's `key` names the event
(this follow-up became overdue, this return step), so a refresh never repeats one.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Assignment, Role
from cycle.models import DigestSent, Kind, Notice
from datavalues.approval import ApprovalStep, State
from planning.evaluation import ApbdesEvaluation, Result
from planning.followups import OPEN, FollowUp, Owner

log = logging.getLogger(__name__)
SOON_DAYS = 7

# (kind, key, text, href) per desa code
Event = tuple[str, str, str, str]


def _events_for_desa(codes: Iterable[str], today: dt.date) -> dict[str, list[Event]]:
    codes = list(codes)
    events: dict[str, list[Event]] = defaultdict(list)
    if not codes:
        return events
    for item in FollowUp.objects.filter(
        desa_id__in=codes, owner=Owner.DESA, status__in=OPEN
    ).select_related("indicator"):
        href = reverse("desa-follow-ups", args=[item.desa_id]) + f"#tl-{item.pk}"
        what = f"{item.indicator.code}: {item.action[:120]}"
        events[item.desa_id].append(
            (
                Kind.ASSIGNED,
                f"tl:{item.pk}:baru",
                _("Tindak lanjut baru untuk desa: %s") % what,
                href,
            )
        )
        if item.due_date < today:
            events[item.desa_id].append(
                (
                    Kind.OVERDUE,
                    f"tl:{item.pk}:terlambat",
                    _("Tindak lanjut terlambat: %s") % what,
                    href,
                )
            )
        elif item.due_date <= today + dt.timedelta(days=SOON_DAYS):
            events[item.desa_id].append(
                (
                    Kind.DUE_SOON,
                    f"tl:{item.pk}:segera",
                    _("Tindak lanjut jatuh tempo %(d)s: %(w)s")
                    % {"d": item.due_date.strftime("%d-%m-%Y"), "w": what},
                    href,
                )
            )
    for step in ApprovalStep.objects.filter(
        approval__region_id__in=codes, approval__state=State.RETURNED, action="kembalikan"
    ).select_related("approval__period"):
        approval = step.approval
        events[approval.region_id].append(
            (
                Kind.RETURNED,
                f"ap:{step.pk}",
                _("Pengajuan %(p)s dikembalikan: %(c)s")
                % {"p": approval.period.code, "c": step.comment[:150]},
                reverse("approval", args=[approval.region_id, approval.period.code]),
            )
        )
    for evaluation in ApbdesEvaluation.objects.filter(desa_id__in=codes, result=Result.REVISE):
        events[evaluation.desa_id].append(
            (
                Kind.REVISE,
                f"ev:{evaluation.pk}:{evaluation.recorded_at:%Y%m%d%H%M%S}",
                _("Evaluasi rancangan APBDes %(y)s: perlu perbaikan") % {"y": evaluation.year},
                reverse("apbdes-evaluation", args=[evaluation.desa_id])
                + f"?periode={evaluation.year}",
            )
        )
    return events


def _add(user_id: int, events: Iterable[Event]) -> int:
    events = list(events)
    if not events:
        return 0
    known = set(
        Notice.objects.filter(user_id=user_id, key__in=[e[1] for e in events]).values_list(
            "key", flat=True
        )
    )
    added = 0
    for kind, key, text, href in events:
        if key in known:
            continue
        try:
            with transaction.atomic():
                Notice.objects.create(
                    user_id=user_id, kind=kind, key=key, text=text[:300], href=href
                )
        except IntegrityError:  # created meanwhile by another refresh
            continue
        known.add(key)
        added += 1
    if added:
        forget_unread(user_id)
    return added


def _refresh(assignments: QuerySet[Assignment]) -> int:
    """Notices for desa operators (assigned at a desa): what concerns their desa."""
    desa_users: dict[str, list[int]] = defaultdict(list)
    for user_id, region_id in assignments.filter(role=Role.DESA).values_list(
        "user_id", "region_id"
    ):
        if region_id:
            desa_users[region_id].append(user_id)
    # Notices are written in Indonesian, the language of the records they point to.
    with translation.override(settings.LANGUAGE_CODE):
        events = _events_for_desa(desa_users, timezone.localdate())
    added = 0
    for code, users in desa_users.items():
        for user_id in users:
            added += _add(user_id, events.get(code, []))
    return added


def refresh_for(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return _refresh(Assignment.objects.filter(user=user))


def refresh_all() -> int:
    return _refresh(Assignment.objects.filter(user__is_active=True))


def unread(user: Any) -> QuerySet[Notice]:
    return Notice.objects.filter(user=user, read_at__isnull=True)


def _unread_key(user_id: Any) -> str:
    return f"notices-unread:{user_id}"


def unread_count(user: Any) -> int:
    """The badge of the navigation bar, on every page: kept in the cache (not a query per
    page), forgotten whenever the user's notices change."""
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = unread(user).count()
        cache.set(key, count, 600)
    return int(count)


def forget_unread(user_id: Any) -> None:
    cache.delete(_unread_key(user_id))


def latest(user: Any) -> QuerySet[Notice]:
    return Notice.objects.filter(user=user)[:100]


def mark_read(user: Any, pk: int | None = None) -> int:
    """Mark the user's notices read (one of them with `pk`)."""
    rows = unread(user) if pk is None else unread(user).filter(pk=pk)
    done = rows.update(read_at=timezone.now())
    forget_unread(user.pk)
    return done


def email_new() -> int:
    """E-mail each notice not yet e-mailed to its user, when the user has an address."""
    sent = 0
    pending = Notice.objects.filter(emailed=False, user__email__gt="").select_related("user")
    for notice in pending[:1000]:
        send_mail(
            subject=f"[Dashboard Kecamatan] {notice.get_kind_display()}",
            message=f"{notice.text}\n\n{settings.SITE_URL}{notice.href}",
            from_email=None,
            recipient_list=[notice.user.email],
        )
        Notice.objects.filter(pk=notice.pk).update(emailed=True)
        sent += 1
    Notice.objects.filter(emailed=False, user__email="").update(emailed=True)
    return sent


def send_digests(day: dt.date | None = None) -> int:
    """One digest a day per user with unread notices and an address; a second run that day
    sends nothing (DigestSent is unique per user and day)."""
    day = day or timezone.localdate()
    counts: dict[int, list[Notice]] = defaultdict(list)
    for notice in Notice.objects.filter(read_at__isnull=True, user__email__gt="").order_by(
        "user_id", "-created_at"
    ):
        counts[notice.user_id].append(notice)
    sent = 0
    users = User.objects.in_bulk(list(counts))
    for user_id, items in counts.items():
        try:
            with transaction.atomic():
                DigestSent.objects.create(user_id=user_id, day=day, notices=len(items))
                lines = "\n".join(f"- {n.text}\n  {settings.SITE_URL}{n.href}" for n in items[:30])
                send_mail(
                    subject=f"[Dashboard Kecamatan] {len(items)} notifikasi belum dibaca",
                    message=lines,
                    from_email=None,
                    recipient_list=[users[user_id].email],
                )
        except IntegrityError:
            continue  # already sent today
        sent += 1
    return sent


def daily() -> dict[str, int]:
    """The daily job: derive notices for everyone, e-mail new ones, send the digests."""
    result = {"notices": refresh_all(), "emails": email_new(), "digests": send_digests()}
    log.info("notices daily %s", result)
    return result
