"""One upload lifecycle for every kind of file: values, APBDes lines, other systems' counts.

    diterima → (diperiksa) → pratinjau | ditolak → (diimpor) → selesai     (gagal: a job broke)

A kind plugs in with its own reading, planning and writing (intake.importing for values,
intake.apbdes for budget lines, sources.pipeline for the counts of other systems' exports)
and hands the lifecycle a `Tally` of its plan. The lifecycle records the plan on the
`Upload` row (`record_plan`), and confirms it (`confirm`): in one transaction it locks the
upload row, refuses a file another request has imported meanwhile, runs the kind's write,
marks the upload committed and runs the kind's audit, so a process killed at any point
leaves either all of it or nothing. A refused confirm puts the status back (`refuse`).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import Status, Upload


@dataclass(frozen=True, slots=True)
class Tally:
    """What the upload row keeps of a plan (its counts and first error)."""

    rows: int
    created: int
    updated: int
    unchanged: int
    warnings: int = 0
    errors: int = 0
    message: str = ""  # the first error, shown on the list of uploads


class AlreadyCommitted(ValueError):
    """The upload was imported by another request while this one was planning it."""


def _user(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


def _apply(upload: Upload, tally: Tally) -> None:
    upload.rows = upload.progress = tally.rows
    upload.created, upload.updated = tally.created, tally.updated
    upload.unchanged = tally.unchanged
    upload.warnings = tally.warnings
    upload.errors = tally.errors
    upload.message = tally.message


def record_plan(upload: Upload, tally: Tally) -> None:
    """A planned file: ready to confirm, or rejected when any row has an error."""
    _apply(upload, tally)
    upload.status = Status.REJECTED if tally.errors else Status.PREVIEWED
    upload.save_record()


def committed_fields(tally: Tally, *, by: Any) -> dict[str, Any]:
    """The fields of an upload created already committed (a file whose bytes are not
    kept for a preview: sources.pipeline)."""
    return {
        "status": Status.COMMITTED,
        "rows": tally.rows,
        "progress": tally.rows,
        "created": tally.created,
        "updated": tally.updated,
        "unchanged": tally.unchanged,
        "warnings": tally.warnings,
        "uploaded_by": _user(by),
        "committed_by": _user(by),
        "committed_at": timezone.now(),
    }


def confirm(
    upload: Upload,
    tally: Tally,
    *,
    by: Any,
    write: Callable[[], object],
    audit: Callable[[], object] | None = None,
    atomic: Callable[[], AbstractContextManager[Any]] = transaction.atomic,
) -> None:
    """Write a planned file with its upload record and audit event, all or nothing.

    `write` raises the kind's refusal when the file cannot be written (nothing is); a
    kind that learns its counts only by writing returns them as a `Tally` (IDM files).
    `atomic` is the transaction (values files: `datavalues.writing.file_transaction`)."""
    with atomic():
        status = (
            Upload.objects.select_for_update().filter(pk=upload.pk).values_list("status", flat=True)
        ).first()
        if status == Status.COMMITTED:
            raise AlreadyCommitted(_("berkas ini sudah diimpor"))
        counted = write()
        _apply(upload, counted if isinstance(counted, Tally) else tally)
        upload.errors = 0
        upload.message = counted.message if isinstance(counted, Tally) else ""
        upload.status = Status.COMMITTED
        upload.committed_at = timezone.now()
        upload.committed_by = _user(by)
        upload.save_record()
        if audit is not None:
            audit()


def refuse(upload: Upload, *, rejected: bool) -> None:
    """A confirm refused (nothing written): back to rejected, or to the preview when only
    unconfirmed warnings stood in the way."""
    Upload.objects.filter(pk=upload.pk).update(
        status=Status.REJECTED if rejected else Status.PREVIEWED
    )
