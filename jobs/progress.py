"""Progress of a running job, shared between the worker and the pages through the cache.

An import writes inside one transaction, and on SQLite only one connection may write at a
time: the worker cannot update its own Upload row from a second connection while the import
is open, and the page could not read it before the commit anyway. So progress goes through
Django's cache (Redis when REDIS_URL is set, otherwise files under var/tmp/cache), which
every process of the site shares and no transaction holds.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from django.core.cache import cache

KEEP_SECONDS = 24 * 3600
# Writing the cache for every row would cost more than the row: at most once per interval.
MIN_INTERVAL = 0.5


@dataclass(frozen=True)
class Progress:
    stage: str = ""
    done: int = 0
    total: int | None = None  # None: not known (the bar is indeterminate)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))


def _key(name: str) -> str:
    return f"progress:{name}"


def report(name: str, stage: str, done: int = 0, total: int | None = None) -> None:
    cache.set(_key(name), asdict(Progress(stage, done, total)), KEEP_SECONDS)


def read(name: str) -> Progress:
    value = cache.get(_key(name))
    return Progress(**value) if isinstance(value, dict) else Progress()


def forget(name: str) -> None:
    cache.delete(_key(name))


class Reporter:
    """A `progress(n)` callback for long loops: writes the cache at most every MIN_INTERVAL.

    With `then`, reaching `total` switches to that stage (of unknown length): an import
    reports the rows it checked, then writes them all in one transaction.
    """

    def __init__(self, name: str, stage: str, total: int | None = None, then: str = "") -> None:
        self.name, self.stage, self.total, self.then = name, stage, total, then
        self._last = 0.0
        report(name, stage, 0, total)

    def __call__(self, done: int) -> None:
        if self.then and self.total is not None and done >= self.total:
            report(self.name, self.then, done, None)
            return
        now = time.monotonic()
        if now - self._last >= MIN_INTERVAL:
            self._last = now
            report(self.name, self.stage, done, self.total)
