"""Login lockout: per account, per (account, address) and, far higher, per address alone.

django-axes records each failure with the username and client address. Its own handler locks
when *any* criterion reaches one limit, and its reset-on-success deletes every failure of the
address, so a success with one account wiped the failures against all others from that
address. This handler gives the address-only criterion its own, much higher limit (a kantor
kecamatan behind one NAT must not be locked out by a few anonymous mistakes) and resets only
the signed-in account's own failures.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_parameters, get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

# The criteria, as django-axes filters (settings.AXES_LOCKOUT_PARAMETERS): the account, the
# account from one address, and the address alone (with LOGIN_ADDRESS_FAILURE_LIMIT).
LOCKOUT_PARAMETERS: list[str | list[str]] = ["username", ["username", "ip_address"], "ip_address"]


class LockoutHandler(AxesDatabaseHandler):
    """The database handler with a limit per criterion and a reset per account."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """A count that reaches the failure limit exactly when one criterion reaches its own."""
        limit: int = get_failure_limit(request, credentials)
        address_limit: int = settings.LOGIN_ADDRESS_FAILURE_LIMIT
        username = get_client_username(request, credentials)
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        worst = 0
        address = getattr(request, "axes_ip_address", None)
        agent = getattr(request, "axes_user_agent", "")
        for criterion in get_client_parameters(username, address, agent, request, credentials):
            if "username" in criterion and not username:
                continue  # no account named: only the address can count
            failures = (
                recent.filter(**criterion).aggregate(total=Sum("failures_since_start"))["total"]
                or 0
            )
            if "username" in criterion:
                worst = max(worst, failures)
            elif failures >= address_limit:
                worst = max(worst, limit)
        return worst

    def user_logged_in(self, sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
        """Log the success as django-axes does, then forget this account's failures only."""
        super().user_logged_in(sender, request, user, **kwargs)
        AccessAttempt.objects.filter(username=user.get_username()).delete()
