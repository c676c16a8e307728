"""Checking and importing big files in the background (django-tasks, run by `runjobs`).

A file of at least INTAKE_BACKGROUND_KB is not planned inside the request: the upload page
stores it, queues `check_upload` and shows a progress bar; the confirm button queues
`import_upload`. Both call the same functions as the request path (importing.plan_upload,
record_plan, import_commit), report progress through jobs.progress (the cache: the import
transaction holds the database), and keep the computed preview on the Upload row so the page
shows it without planning the file again. A job that fails records its error on the row and,
since an import is one transaction, leaves no value written. A Kemendes IDM file (kind "idm")
takes the same path with intake/idm_uploads.py's check and commit.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from intake import idm, idm_uploads, importing, lifecycle
from intake.models import Status, Upload
from intake.parsing import text
from jobs import limits, progress

STAGES = {
    "memeriksa": _("Memeriksa setiap baris"),
    "mengimpor": _("Memeriksa ulang setiap baris"),
    "menyimpan": _("Menyimpan semuanya dalam satu transaksi"),
}


# Imports run before reports: someone waits for the import, a report can wait (jobs.worker).
IMPORT_PRIORITY = 10


def in_background(upload: Upload) -> bool:
    """Whether this file is checked and imported by the worker rather than in the request."""
    return upload.size >= int(settings.INTAKE_BACKGROUND_KB) * 1024


def check_capacity(user: Any) -> None:
    """jobs.limits.Busy when `user` already has too many files being checked or imported."""
    limits.check_unfinished(
        Upload.objects.filter(
            uploaded_by_id=user.pk, status__in=[Status.CHECKING, Status.IMPORTING]
        ).count()
    )


def progress_name(upload: Upload | int) -> str:
    return f"upload-{upload if isinstance(upload, int) else upload.pk}"


def estimated_rows(upload: Upload) -> int | None:
    """Lines of a text file (the rows to check, near enough); None for a workbook."""
    content = bytes(upload.content)
    if content[:2] == b"PK":  # XLSX: the row count is known only once the sheet is read
        return None
    return max(1, content.count(b"\n"))


def snapshot(plan: importing.Plan) -> dict[str, Any]:
    """What the preview page shows of a plan, as JSON for the Upload row."""
    return {
        "layout": plan.layout,
        "header": list(plan.header),
        "rows": plan.rows,
        "counts": dict(plan.counts),
        "errors": len(plan.errors),
        "warnings": len(plan.warnings),
        "problems": [
            {"row": p.row, "column": p.column, "message": p.message}
            for p in plan.problems
            if p.row <= 1
        ],
        "fates": [
            {
                "row": f.row,
                "fate": str(f.fate),
                "cells": [None if c is None else text(c) for c in f.cells],
                "reasons": f.reasons,
                "changes": f.changes,
                "notes": f.notes,
            }
            for f in plan.fates
        ],
    }


def queue_check(upload: Upload, *, by: Any) -> None:
    """Mark the upload as being checked and queue the check (after the row is committed)."""
    upload.status = Status.CHECKING
    upload.job_error = ""
    upload.preview = None
    upload.save(update_fields=["status", "job_error", "preview"])
    progress.report(progress_name(upload), "", 0, estimated_rows(upload))
    with transaction.atomic():  # the worker sees the job only with its id on the upload
        result = check_upload.enqueue(upload.pk, getattr(by, "pk", None))
        Upload.objects.filter(pk=upload.pk).update(job_id=result.id)


def queue_import(
    upload: Upload, *, by: Any, accept_warnings: bool, confirmed: list[str] | None = None
) -> bool:
    """Queue the import of a checked upload; False if it is already importing or imported."""
    with transaction.atomic():
        taken = (
            Upload.objects.filter(pk=upload.pk)
            .exclude(status__in=[Status.CHECKING, Status.IMPORTING, Status.COMMITTED])
            .update(status=Status.IMPORTING, job_error="")
        )
        if not taken:
            return False
        progress.report(progress_name(upload), "", 0, upload.rows or None)
        result = import_upload.enqueue(
            upload.pk, getattr(by, "pk", None), accept_warnings, confirmed or []
        )
        Upload.objects.filter(pk=upload.pk).update(job_id=result.id)
    return True


def _user(user_id: int | None) -> Any:
    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


def _failed(exc: BaseException, what: str) -> str:
    return (
        f"{what} gagal; tidak ada yang disimpan. / The job failed; nothing was saved. "
        f"({type(exc).__name__}: {str(exc)[:300]})"
    )


@task(priority=IMPORT_PRIORITY)
def check_upload(upload_id: int, user_id: int | None) -> dict[str, int]:
    """Plan the stored file (writes no value) and keep its counts and preview on the row."""
    upload = Upload.objects.get(pk=upload_id)
    name = progress_name(upload)
    if upload.kind == idm.KIND:
        return _check_idm(upload, user_id)
    try:
        plan = importing.plan_upload(
            upload,
            by=_user(user_id),
            progress=progress.Reporter(name, "memeriksa", estimated_rows(upload)),
        )
        upload.preview = snapshot(plan)
        importing.record_plan(upload, plan)
    except Exception as exc:
        Upload.objects.filter(pk=upload_id).update(
            status=Status.FAILED, job_error=_failed(exc, "Pemeriksaan berkas")
        )
        raise
    finally:
        progress.forget(name)
    return dict(plan.counts)


@task(priority=IMPORT_PRIORITY)
def import_upload(
    upload_id: int, user_id: int | None, accept_warnings: bool, confirmed: list[str] | None = None
) -> dict[str, int]:
    """Import a checked upload: all of it in one transaction, or nothing. `confirmed`: the
    name matches ticked on an IDM file's preview."""
    upload = Upload.objects.get(pk=upload_id)
    user = _user(user_id)
    name = progress_name(upload)
    if upload.kind == idm.KIND:
        return _import_idm(upload, user, confirmed or [])
    try:
        plan = importing.import_commit(
            upload=upload,
            by=user,
            accept_warnings=accept_warnings,
            progress=progress.Reporter(name, "mengimpor", upload.rows or None, then="menyimpan"),
            background=True,
        )
    except importing.ImportRefused as exc:
        # import_commit put the status back (rejected or previewed); say why on the page.
        Upload.objects.filter(pk=upload_id).update(
            preview=snapshot(exc.plan),
            job_error=f"Tidak ada yang disimpan / nothing was saved: {exc}",
        )
        return {}
    except lifecycle.AlreadyCommitted:
        return {}  # imported by another request meanwhile: its record stands
    except Exception as exc:
        Upload.objects.filter(pk=upload_id).update(
            status=Status.FAILED, job_error=_failed(exc, "Impor")
        )
        raise
    finally:
        progress.forget(name)
    Upload.objects.filter(pk=upload_id).update(preview=snapshot(plan), job_error="")
    return dict(plan.counts)


def _check_idm(upload: Upload, user_id: int | None) -> dict[str, int]:
    name = progress_name(upload)
    progress.report(name, "memeriksa", 0, estimated_rows(upload))
    try:
        plan = idm_uploads.check(upload, by=_user(user_id))
    except Exception as exc:
        Upload.objects.filter(pk=upload.pk).update(
            status=Status.FAILED, job_error=_failed(exc, "Pemeriksaan berkas")
        )
        raise
    finally:
        progress.forget(name)
    return {"rows": plan.rows, "entries": len(plan.entries)} if plan else {}


def _import_idm(upload: Upload, user: Any, confirmed: list[str]) -> dict[str, int]:
    name = progress_name(upload)
    progress.report(name, "menyimpan", 0, upload.rows or None)
    try:
        result = idm_uploads.commit(upload, by=user, confirmed=confirmed)
    except idm_uploads.IdmImportRefused as exc:
        Upload.objects.filter(pk=upload.pk).update(
            status=Status.REJECTED, job_error=f"Tidak ada yang disimpan / nothing was saved: {exc}"
        )
        return {}
    except lifecycle.AlreadyCommitted:
        return {}
    except Exception as exc:
        Upload.objects.filter(pk=upload.pk).update(
            status=Status.FAILED, job_error=_failed(exc, "Impor")
        )
        raise
    finally:
        progress.forget(name)
    Upload.objects.filter(pk=upload.pk).update(job_error="")
    return {"created": result.saved.created, "updated": result.saved.updated}
