"""Jobs the worker runs once a day (settings.DAILY_JOBS, dotted paths of callables).

`manage.py runjobs` calls `run_due` whenever its queue is empty; a job runs at most once
per day and per worker. Each job must itself be idempotent per day (a second worker, or a
restart, may run it again): the notices digest records each day it was sent.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)
_last_run: dict[str, dt.date] = {}


def run_due(today: dt.date | None = None) -> list[str]:
    """Run the daily jobs not yet run today by this process; their paths."""
    today = today or timezone.localdate()
    ran = []
    for path in getattr(settings, "DAILY_JOBS", []):
        if _last_run.get(path) == today:
            continue
        _last_run[path] = today
        try:
            result = import_string(path)()
        except Exception:  # a failing daily job must not stop the worker's queue
            log.exception("daily job %s failed", path)
            continue
        log.info("daily job %s: %s", path, result)
        ran.append(path)
    return ran
