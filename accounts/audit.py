"""Writing and reading the audit log (who, when, what, from where)."""

from __future__ import annotations

import csv
import getpass
import hashlib
import io
import json
import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from accounts.addresses import client_ip
from accounts.models import Action, AuditEvent

log = logging.getLogger("accounts.audit")

CSV_HEADER = [
    "waktu",
    "pengguna",
    "id_pengguna",
    "tindakan",
    "kode_wilayah",
    "ringkasan",
    "alamat_ip",
    "rincian",
]


def _clean(text: str, limit: int) -> str:
    # CR/LF in user input must not forge extra lines in logs or reports.
    return " ".join(str(text).split())[:limit]


def record(
    action: str,
    *,
    request: HttpRequest | None = None,
    user: Any = None,
    username: str = "",
    region_code: str | None = "",
    summary: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. `user` defaults to the request's authenticated user."""
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    event = AuditEvent.objects.create(
        user_id=getattr(user, "pk", None),
        username=_clean(getattr(user, "username", "") or username, 150),
        action=action,
        region_code=(region_code or "")[:13],
        summary=_clean(summary, 300),
        detail=detail or {},
        ip_address=client_ip(request) if request is not None else None,
        user_agent=_clean(request.META.get("HTTP_USER_AGENT", ""), 300) if request else "",
    )
    log.info(
        "audit action=%s user=%r region=%s ip=%s",
        action,
        event.username,
        event.region_code or "-",
        event.ip_address or "-",
    )
    return event


def operating_system_user() -> str:
    """The account that runs a management command (for the audit of command imports)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container user without a passwd entry or $USER
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "?"


def file_sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def record_command_import(
    *, command: str, path: Path, sha256: str, counts: dict[str, int], region_code: str = ""
) -> AuditEvent:
    """Audit an import committed by `manage.py COMMAND` (never a dry run).

    There is no application account behind a command: the event carries the operating-system
    user as its user name and, in its detail, the command, the file name, its SHA-256 and the
    counts. Call it inside the import's transaction, so the event exists exactly when the
    data does.
    """
    os_user = operating_system_user()
    return record(
        Action.IMPORT,
        username=os_user,
        region_code=region_code,
        summary=f"{command} {path.name}: "
        + ", ".join(f"{count} {name}" for name, count in counts.items()),
        detail={
            "command": command,
            "os_user": os_user,
            "file": path.name,
            "sha256": sha256,
            "counts": counts,
        },
    )


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(Action.LOGIN, request=request, user=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(Action.LOGOUT, request=request, user=user)


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    record(Action.LOGIN_FAILED, request=request, username=str(credentials.get("username", "")))


@receiver(user_locked_out)
def _locked_out(
    sender: Any, request: HttpRequest | None, username: str | None, **kwargs: Any
) -> None:
    record(Action.LOCKED_OUT, request=request, username=str(username or ""))


def csv_safe(value: object) -> str:
    """A cell a spreadsheet will not run as a formula (=, +, -, @, tab, CR at the start)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def csv_rows(events: Iterable[AuditEvent]) -> Iterator[str]:
    """The audit log as CSV text, streamed row by row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    buffer.write("\ufeff")  # so spreadsheet programs read UTF-8
    writer.writerow(CSV_HEADER)
    yield flush()
    tz = timezone.get_current_timezone()
    for event in events:
        writer.writerow(
            [
                csv_safe(timezone.localtime(event.at, tz).isoformat(timespec="seconds")),
                csv_safe(event.username),
                csv_safe(event.user_id),
                csv_safe(event.action),
                csv_safe(event.region_code),
                csv_safe(event.summary),
                csv_safe(event.ip_address),
                csv_safe(json.dumps(event.detail, ensure_ascii=False) if event.detail else ""),
            ]
        )
        yield flush()
