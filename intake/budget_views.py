"""APBDes budget files on the web: upload → preview (every row's fate) → confirm → report.

The planning and writing live in intake/apbdes.py (the same code as `importapbdes`); the
upload is an `intake.Upload` of kind "apbdes", seen only by its sender and national
administrators, and rows for a desa the user may not write are errors on that row.
"""

from __future__ import annotations

import csv
import io
import logging

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import audit
from intake import apbdes, importing, lifecycle, upload_limit
from intake.access import own_upload_or_404, require_writer
from intake.models import Status, Upload
from intake.parsing import BadFile, max_upload_bytes
from planning.models import Stage

log = logging.getLogger(__name__)


class BudgetUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Berkas CSV atau XLSX (ekspor Siskeudes)"))
    year = forms.IntegerField(
        label=gettext_lazy("Tahun anggaran (bila berkas tanpa kolom tahun)"),
        min_value=2000,
        max_value=2100,
        required=False,
    )
    stage = forms.ChoiceField(
        label=gettext_lazy("Tahap"), choices=Stage.choices, initial=Stage.FINAL
    )


@never_cache
def budget_upload(request: HttpRequest) -> HttpResponse:
    require_writer(request)
    form = BudgetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        sent = form.cleaned_data["file"]
        try:
            upload = importing.receive(
                name=sent.name,
                stream=sent,
                size=sent.size,
                by=request.user,
                kind=apbdes.KIND,
                period=str(form.cleaned_data["year"] or ""),
                budget_stage=form.cleaned_data["stage"],
            )
        except BadFile as exc:
            form.add_error("file", str(exc))
        else:
            plan = apbdes.plan_upload(upload, by=request.user)
            apbdes.record_plan(upload, plan)
            log.info("apbdes upload %s by %s: %s rows", upload.pk, request.user, plan.rows)
            return redirect("intake-apbdes-preview", pk=upload.pk)
    upload_limit.show_refusal(request, form)
    uploads = Upload.objects.filter(uploaded_by_id=request.user.pk, kind=apbdes.KIND)[:20]
    return render(
        request,
        "intake/budget_upload.html",
        {"form": form, "uploads": uploads, "limit_mb": max_upload_bytes() // 1048576},
    )


@never_cache
def budget_preview(request: HttpRequest, pk: int) -> HttpResponse:
    upload = own_upload_or_404(request, pk, apbdes.KIND)
    plan = apbdes.plan_upload(upload, by=request.user)
    year, stage = apbdes.upload_options(upload)
    return render(
        request,
        "intake/budget_preview.html",
        {
            "upload": upload,
            "plan": plan,
            "year": year,
            "stage": Stage(stage).label,
            "rows": apbdes.preview_rows(plan),
            "whole_file": [p for p in plan.problems if p.row <= 1],
        },
    )


@require_POST
def budget_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    upload = own_upload_or_404(request, pk, apbdes.KIND)
    if upload.status == Status.COMMITTED:
        messages.info(request, _("Berkas ini sudah diimpor."))
        return redirect("intake-apbdes-preview", pk=upload.pk)
    try:
        plan = apbdes.commit_upload(upload, by=request.user, request=request)
    except apbdes.BudgetImportRefused as exc:
        log.info("apbdes upload %s refused: %s", upload.pk, exc)
        messages.error(request, _("Tidak ada yang disimpan: %(why)s") % {"why": exc})
    except lifecycle.AlreadyCommitted:
        messages.info(request, _("Berkas ini sudah diimpor."))
    else:
        messages.success(
            request,
            _("Tersimpan: %(new)d baru, %(changed)d berubah, %(same)d tetap.")
            % {"new": plan.created, "changed": plan.updated, "same": plan.unchanged},
        )
    return redirect("intake-apbdes-preview", pk=upload.pk)


@never_cache
def budget_report(request: HttpRequest, pk: int) -> HttpResponse:
    upload = own_upload_or_404(request, pk, apbdes.KIND)
    plan = apbdes.plan_upload(upload, by=request.user)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for row in apbdes.iter_report(plan):
        writer.writerow([audit.csv_safe(cell) for cell in row])
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        content_disposition_header(True, f"laporan-galat-apbdes-{upload.pk}.csv") or "attachment"
    )
    return response
