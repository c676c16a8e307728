"""Kemendes IDM files on /impor/: the preview and confirm of an upload of kind "idm" (the
values pages hand them over here), and the lists of rows left over as CSV.

The lifecycle (receive, background check for big files, progress, ownership) is the values
upload's (intake/views.py, intake/tasks.py); planning and writing are intake/idm_uploads.py.
"""

from __future__ import annotations

import csv
import io
import logging
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts import audit
from accounts.scoping import region_for_user_or_404, scope_of
from intake import idm_uploads, lifecycle, tasks
from intake.access import own_upload_or_404
from intake.idm import KIND
from intake.models import Status, Upload
from jobs import limits

log = logging.getLogger(__name__)


def preview(request: HttpRequest, upload: Upload) -> HttpResponse:
    snap: dict[str, Any] = upload.preview or {}
    refusal = None
    if snap.get("refused") == "columns":
        refusal = _(
            "Berkas ini bukan berkas IDM Kemendes: kolom %(columns)s tidak ada. Kolom yang "
            "diperlukan: KODE_DESA, IKS_<tahun>, IKE_<tahun>, IKL_<tahun>, NILAI_IDM_<tahun>, "
            "STATUS_IDM_<tahun>."
        ) % {"columns": ", ".join(c.upper() for c in snap.get("missing", []))}
    elif snap.get("refused"):
        refusal = _("Berkas tidak dapat dibaca: %(why)s") % {"why": snap.get("message", "")}
    elif upload.status == Status.REJECTED and not snap.get("entries"):
        refusal = _("Tidak ada baris yang dapat Anda impor dalam berkas ini.")
    return render(
        request,
        "intake/idm_preview.html",
        {"upload": upload, "snap": snap, "refusal": refusal},
    )


def confirm(request: HttpRequest, upload: Upload) -> HttpResponse:
    confirmed = sorted(set(request.POST.getlist("cocok")))
    if request.POST.get("semua"):  # "confirm every suggestion"
        suggestions = (upload.preview or {}).get("suggestions", [])
        confirmed = sorted({s["old_code"] for s in suggestions})
    if tasks.in_background(upload):
        try:
            tasks.check_capacity(request.user)
        except limits.Busy as busy:
            messages.error(request, str(busy))
            return redirect("intake-preview", pk=upload.pk)
        if not tasks.queue_import(
            upload, by=request.user, accept_warnings=False, confirmed=confirmed
        ):
            messages.info(request, _("Berkas ini sedang atau sudah diimpor."))
        return redirect("intake-preview", pk=upload.pk)
    try:
        result = idm_uploads.commit(upload, by=request.user, confirmed=confirmed, request=request)
    except idm_uploads.IdmImportRefused as exc:
        log.info("idm upload %s refused: %s", upload.pk, exc)
        messages.error(request, _("Tidak ada yang disimpan: %(why)s") % {"why": exc})
        return redirect("intake-preview", pk=upload.pk)
    except lifecycle.AlreadyCommitted:
        messages.info(request, _("Berkas ini sudah diimpor."))
        return redirect("intake-preview", pk=upload.pk)
    messages.success(
        request,
        _(
            "Tersimpan: %(new)d baru, %(changed)d berubah, %(same)d tetap; %(matches)d "
            "padanan nama disimpan; %(left)d baris tidak cocok dengan daftar wilayah."
        )
        % {
            "new": result.saved.created,
            "changed": result.saved.updated,
            "same": result.saved.unchanged,
            "matches": result.matches_stored,
            "left": len(result.plan.unmatched),
        },
    )
    return redirect("intake-preview", pk=upload.pk)


def _csv(rows: Any, name: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for row in rows:
        writer.writerow([audit.csv_safe(cell) for cell in row])
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response


@never_cache
def upload_leftovers(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows of one IDM upload that matched no desa (its sender and national admins)."""
    upload = own_upload_or_404(request, pk, KIND)
    leftovers = (upload.preview or {}).get("leftovers", [])
    return _csv(idm_uploads.leftover_rows(leftovers), f"idm-tidak-cocok-{upload.pk}.csv")


@never_cache
def area_leftovers(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """The latest IDM year's rows still unresolved under an area the user may see
    (the whole country for a national user)."""
    if code is None:
        if not scope_of(request.user).national:
            raise Http404("national list for national users only")
        area = idm_uploads.NATIONAL
    else:
        area = region_for_user_or_404(request, code).code
    found = idm_uploads.leftover_count(area)
    leftovers = idm_uploads.leftovers_within(area, found.year) if found else []
    year = found.year if found else ""
    return _csv(
        idm_uploads.leftover_rows(leftovers), f"idm-{year}-tidak-cocok-{area.replace('.', '')}.csv"
    )
