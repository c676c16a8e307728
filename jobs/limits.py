"""Limits on background work and on expensive requests, per user.

One worker (or a few) runs everyone's imports and reports, so one user must not fill the
queue: a user may have at most JOBS_MAX_UNFINISHED_PER_USER jobs waiting or running, and an
identical report already waiting is reused (reports.tasks.ask). Requests that build a file
inside the request (the direct laporan.pdf) are counted per user in a window (`allow`).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class Busy(Exception):
    """Too much work asked for; the message is for the user (Indonesian / English)."""


def max_unfinished() -> int:
    return int(settings.JOBS_MAX_UNFINISHED_PER_USER)


def check_unfinished(count: int) -> None:
    """Raise Busy when a user already has `count` unfinished jobs, at or above the limit."""
    if count >= max_unfinished():
        raise Busy(
            format_lazy(
                _(
                    "Anda sudah punya {count} pekerjaan yang menunggu atau berjalan (batas "
                    "{limit}). Tunggu sampai ada yang selesai."
                ),
                count=count,
                limit=max_unfinished(),
            )
        )


def allow(key: str, *, limit: int, seconds: int) -> bool:
    """Count one use of `key` in the current window of `seconds`; False beyond `limit`.

    A fixed window in the shared cache (Redis or files), so every web process counts alike.
    """
    window = int(time.time()) // seconds
    name = f"rate:{key}:{window}"
    cache.add(name, 0, timeout=seconds + 5)
    try:
        used = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=seconds + 5)
        used = 1
    return used <= limit
