"""What a page says after a user changes a planning record: one place for the pattern of
"apply the change, tell the user, audit it" shared by follow-ups, their progress reports
and proposal decisions."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts import audit
from accounts.models import Action


def apply_change(
    request: HttpRequest,
    change: Callable[[], object],
    *,
    region_code: str,
    summary: Callable[[], str],
    done: str,
) -> bool:
    """Run `change`; a refusal (ValidationError) becomes an error message and nothing is
    audited, a success an `edit` audit event (its summary read after the change) and
    `done` as the message. Returns whether the change was made."""
    try:
        change()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    audit.record(Action.EDIT, request=request, region_code=region_code, summary=summary())
    messages.success(request, done)
    return True
