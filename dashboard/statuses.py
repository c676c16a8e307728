"""How a status looks: a colour class, an icon and a word — never colour alone."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from analytics.status import Status


@dataclass(frozen=True, slots=True)
class Look:
    key: str  # CSS class suffix and URL-safe name
    icon: str
    word: str | Promise


ACHIEVED = Look("ok", "✓", _("tercapai"))
ON_TRACK = Look("track", "↗", _("sesuai jalur"))
BEHIND = Look("bad", "!", _("perlu percepatan"))
NO_DATA = Look("none", "?", _("tidak ada data"))
NO_TARGET = Look("plain", "·", _("tanpa target"))

LOOKS: dict[Status | None, Look] = {
    Status.ACHIEVED: ACHIEVED,
    Status.ON_TRACK: ON_TRACK,
    Status.NEEDS_ACCELERATION: BEHIND,
    Status.NO_DATA: NO_DATA,
    None: NO_TARGET,
}

# The order the cards and legends list them in: best first, missing data last.
ORDER = (ACHIEVED, ON_TRACK, BEHIND, NO_TARGET, NO_DATA)


def look_of(status: Status | None) -> Look:
    return LOOKS[status]
