"""Upload → preview (every row's fate) → confirm, the error report and the templates."""

from __future__ import annotations

import contextlib
import csv
import io
import logging
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from accounts import audit
from accounts.scoping import region_for_user_or_404, scope_of
from catalog.models import Sector
from catalog.periods import BadPeriod, PeriodType
from intake import idm, idm_uploads, idm_views, importing, lifecycle, tasks, upload_limit
from intake.access import own_upload_or_404, require_writer
from intake.models import Status, Upload
from intake.parsing import BadFile, max_upload_bytes
from intake.templates_files import period_types_by_sector, template_csv, template_xlsx
from jobs import limits, progress
from regions.models import Level

log = logging.getLogger(__name__)


# Upload kinds on this page: values files and Kemendes IDM files (intake/idm_views.py).
KINDS = ("values", idm.KIND)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Jenis berkas"),
        choices=[
            ("values", gettext_lazy("Nilai data (templat atau format panjang)")),
            (idm.KIND, gettext_lazy("IDM Kemendes per desa (kolom resmi)")),
        ],
        initial="values",
        required=False,
    )
    file = forms.FileField(label=gettext_lazy("Berkas CSV atau XLSX"))
    period = forms.CharField(
        label=gettext_lazy("Periode (bila berkas tanpa kolom periode)"),
        max_length=8,
        required=False,
    )
    kecamatan = forms.CharField(
        label=gettext_lazy("Kode kecamatan (bila desa dicocokkan menurut nama)"),
        max_length=8,
        required=False,
    )

    def __init__(self, *args: Any, idm_allowed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not idm_allowed:  # only national admins and kabupaten planners import IDM
            del self.fields["kind"]


@never_cache
def upload_page(request: HttpRequest) -> HttpResponse:
    require_writer(request)
    idm_allowed = idm_uploads.may_upload(scope_of(request.user))
    form = UploadForm(request.POST or None, request.FILES or None, idm_allowed=idm_allowed)
    if request.method == "POST" and form.is_valid():
        sent = form.cleaned_data["file"]
        kecamatan = form.cleaned_data["kecamatan"].strip()
        if form.cleaned_data.get("kind") == idm.KIND:
            return _receive_idm(request, form) or _upload_form(request, form)
        if kecamatan and not scope_of(request.user).covers(kecamatan):
            form.add_error("kecamatan", _("Kecamatan di luar wilayah Anda."))
        else:
            try:
                if sent.size >= int(settings.INTAKE_BACKGROUND_KB) * 1024:
                    tasks.check_capacity(request.user)
                upload = importing.receive(
                    name=sent.name,
                    stream=sent,
                    size=sent.size,
                    by=request.user,
                    period=form.cleaned_data["period"].strip().upper(),
                    kecamatan_id=kecamatan or None,
                )
            except (BadFile, limits.Busy) as exc:
                form.add_error("file", str(exc))
            else:
                if tasks.in_background(upload):
                    tasks.queue_check(upload, by=request.user)
                    log.info("upload %s by %s: queued", upload.pk, request.user)
                else:
                    plan = importing.plan_upload(upload, by=request.user)
                    importing.record_plan(upload, plan)
                    log.info("upload %s by %s: %s", upload.pk, request.user, plan.counts)
                return redirect("intake-preview", pk=upload.pk)
    return _upload_form(request, form)


def _receive_idm(request: HttpRequest, form: UploadForm) -> HttpResponse | None:
    """Store a Kemendes IDM file and check it (here, or by the worker when big)."""
    sent = form.cleaned_data["file"]
    try:
        if sent.size >= int(settings.INTAKE_BACKGROUND_KB) * 1024:
            tasks.check_capacity(request.user)
        upload = importing.receive(
            name=sent.name, stream=sent, size=sent.size, by=request.user, kind=idm.KIND
        )
    except (BadFile, limits.Busy) as exc:
        form.add_error("file", str(exc))
        return None
    if tasks.in_background(upload):
        tasks.queue_check(upload, by=request.user)
    else:
        idm_uploads.check(upload, by=request.user)
    log.info("idm upload %s by %s: %s", upload.pk, request.user, upload.status)
    return redirect("intake-preview", pk=upload.pk)


def _upload_form(request: HttpRequest, form: UploadForm) -> HttpResponse:
    upload_limit.show_refusal(request, form)
    uploads = Upload.objects.filter(uploaded_by_id=request.user.pk, kind__in=KINDS)[:20]
    return render(
        request,
        "intake/upload.html",
        {
            "form": form,
            "uploads": uploads,
            "limit_mb": max_upload_bytes() // 1048576,
            "sectors": Sector.objects.order_by("order"),
            "template_sectors": template_sectors(),
            "template_regions": scope_of(request.user).roots,
        },
    )


def _progress_context(upload: Upload) -> dict[str, object]:
    state = progress.read(tasks.progress_name(upload))
    return {"upload": upload, "progress": state, "stage": tasks.STAGES.get(state.stage, "")}


@never_cache
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    upload = own_upload_or_404(request, pk, KINDS)
    if upload.running or (upload.status == Status.FAILED and upload.preview is None):
        return render(request, "intake/progress.html", _progress_context(upload))
    if upload.kind == idm.KIND:
        return idm_views.preview(request, upload)
    if upload.preview is not None:  # computed by the background job
        plan: object = upload.preview
        header, fates = upload.preview["header"], upload.preview["fates"]
    else:
        planned = importing.plan_upload(upload, by=request.user)
        plan, header, fates = planned, planned.header, planned.fates
    return render(
        request,
        "intake/preview.html",
        {"upload": upload, "plan": plan, "header": header, "fates": fates},
    )


@never_cache
def preview_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment polled by htmx; once the job ended, the whole page reloads."""
    upload = own_upload_or_404(request, pk, KINDS)
    if not upload.running:
        if getattr(request, "htmx", False):
            return HttpResponseClientRefresh()
        return redirect("intake-preview", pk=upload.pk)
    return render(request, "intake/_progress.html", _progress_context(upload))


@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    upload = own_upload_or_404(request, pk, KINDS)
    if upload.status == "selesai":
        messages.info(request, _("Berkas ini sudah diimpor."))
        return redirect("intake-preview", pk=upload.pk)
    if upload.kind == idm.KIND:
        return idm_views.confirm(request, upload)
    accept = bool(request.POST.get("accept"))
    if tasks.in_background(upload):
        try:
            tasks.check_capacity(request.user)
        except limits.Busy as busy:
            messages.error(request, str(busy))
            return redirect("intake-preview", pk=upload.pk)
        if not tasks.queue_import(upload, by=request.user, accept_warnings=accept):
            messages.info(request, _("Berkas ini sedang atau sudah diimpor."))
        return redirect("intake-preview", pk=upload.pk)
    try:
        plan = importing.import_commit(
            upload=upload, by=request.user, accept_warnings=accept, request=request
        )
    except importing.ImportRefused as exc:
        log.info("upload %s refused: %s", upload.pk, exc)
        messages.error(request, _("Tidak ada yang disimpan: %(why)s") % {"why": exc})
    except lifecycle.AlreadyCommitted:
        messages.info(request, _("Berkas ini sudah diimpor."))
    else:
        messages.success(
            request,
            _("Tersimpan: %(new)d baru, %(changed)d berubah, %(same)d tetap.")
            % {
                "new": plan.counts["baru"],
                "changed": plan.counts["berubah"],
                "same": plan.counts["tetap"],
            },
        )
        if plan.counts["dihapus"]:
            messages.success(
                request, _("Dikosongkan: %(n)d nilai.") % {"n": plan.counts["dihapus"]}
            )
    return redirect("intake-preview", pk=upload.pk)


@never_cache
def error_report(request: HttpRequest, pk: int) -> HttpResponse:
    upload = own_upload_or_404(request, pk, "values")
    plan = importing.plan_upload(upload, by=request.user)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for row in importing.iter_report(plan):
        writer.writerow([audit.csv_safe(c) for c in row])
    if not plan.header and plan.problems:  # the file as a whole was refused
        writer.writerow(["", "galat", plan.problems[0].message])
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="laporan-galat-{upload.pk}.csv"'
    return response


PERIOD_WORDS = {
    PeriodType.MONTH: gettext_lazy("bulanan"),
    PeriodType.QUARTER: gettext_lazy("triwulanan"),
    PeriodType.SEMESTER: gettext_lazy("semesteran"),
    PeriodType.YEAR: gettext_lazy("tahunan"),
}


def template_sectors() -> list[tuple[Sector, list[tuple[str, str]]]]:
    """Each sector with its template variants: one per reporting period type when its
    elements mix them (the gizi sector: monthly and yearly), else the sector as a whole."""
    kinds = period_types_by_sector()
    out = []
    for sector in Sector.objects.order_by("order"):
        types = kinds.get(sector.code, [])
        variants = (
            [(f"&jenis={t.slug}", str(PERIOD_WORDS[t])) for t in types]
            if len(types) > 1
            else [("", "")]
        )
        out.append((sector, variants))
    return out


def template_download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    region = region_for_user_or_404(request, code)
    require_writer(request)
    if region.level < Level.KECAMATAN:
        raise Http404("templates are per kecamatan or desa")
    # Only a sector code's characters: the value also names the downloaded file.
    sector = "".join(
        ch for ch in request.GET.get("sektor", "") if ch.isascii() and (ch.isalnum() or ch == "_")
    )[:40]
    period_type = None
    with contextlib.suppress(BadPeriod):
        period_type = PeriodType.from_slug(request.GET.get("jenis", "")[:10])
    if fmt == "xlsx":
        body = template_xlsx(region=region, sector=sector, period_type=period_type)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = template_csv(region=region, sector=sector, period_type=period_type)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    kind = f"-{period_type.slug}" if period_type is not None else ""
    name = f"templat-{region.code}{'-' + sector if sector else ''}{kind}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response
