"""How long uploaded files are kept, and how much one user may keep.

The bytes of an upload are needed for its preview, its confirmation and its error report, not
for ever: after INTAKE_KEEP_DAYS the content is deleted and the record keeps what the audit
trail needs (file name, SHA-256 digest, size, row counts, status, who and when). Until then,
one user's kept files may not exceed INTAKE_QUOTA_MB together.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from intake.models import Status, Upload
from intake.parsing import BadFile


def expire_contents(now: dt.datetime | None = None) -> int:
    """Delete the content of uploads older than INTAKE_KEEP_DAYS (not of running ones)."""
    now = now or timezone.now()
    limit = now - dt.timedelta(days=int(settings.INTAKE_KEEP_DAYS))
    return (
        Upload.objects.filter(uploaded_at__lt=limit, content_expired_at__isnull=True)
        .exclude(status__in=[Status.CHECKING, Status.IMPORTING])
        .update(content=b"", content_expired_at=now)
    )


def check_quota(user: Any, size: int) -> None:
    """BadFile when `size` more bytes would take `user` over INTAKE_QUOTA_MB of kept files."""
    if getattr(user, "pk", None) is None:
        return  # management commands
    quota = int(settings.INTAKE_QUOTA_MB) * 1024 * 1024
    kept = (
        Upload.objects.filter(uploaded_by_id=user.pk, content_expired_at__isnull=True).aggregate(
            total=Sum("size")
        )["total"]
        or 0
    )
    if kept + size > quota:
        raise BadFile(
            format_lazy(
                _(
                    "Berkas yang Anda unggah dan masih disimpan sudah {kept} MB; batasnya "
                    "{quota} MB. Berkas dihapus {days} hari setelah diunggah."
                ),
                kept=f"{kept / 1048576:.1f}",
                quota=quota // 1048576,
                days=settings.INTAKE_KEEP_DAYS,
            )
        )


def content_of(upload: Upload) -> bytes:
    """The stored bytes of an upload, or BadFile once they were deleted after the keeping time."""
    if upload.content_expired_at is not None:
        raise BadFile(
            format_lazy(
                _(
                    "Isi berkas ini sudah dihapus ({days} hari setelah diunggah); unggah berkasnya lagi."
                ),
                days=settings.INTAKE_KEEP_DAYS,
            )
        )
    return bytes(upload.content)
