"""Upload of another system's export: counted in memory, then previewed and confirmed on
the values import pages (intake), which see only the counts."""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from accounts.scoping import scope_of
from intake.access import require_writer
from intake.parsing import max_upload_bytes
from sources.adapters import ADAPTERS
from sources.aggregate import Options
from sources.pipeline import (
    BadFile,
    check_upload,
    read_budget,
    read_source,
    receive_budget,
    receive_counts,
)

log = logging.getLogger(__name__)


class SourceForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Sistem asal berkas"),
        choices=[(a.kind, a.label) for a in ADAPTERS.values()],
    )
    file = forms.FileField(label=gettext_lazy("Berkas ekspor (CSV atau XLSX)"))
    desa = forms.CharField(
        label=gettext_lazy("Kode desa (bila berkas tidak menyebut desanya, mis. OpenSID)"),
        max_length=13,
        required=False,
    )
    kecamatan = forms.CharField(
        label=gettext_lazy("Kode kecamatan (bila desa dicocokkan menurut nama)"),
        max_length=8,
        required=False,
    )
    period = forms.CharField(
        label=gettext_lazy("Tahun data (bila berkas tanpa tanggal)"), max_length=4, required=False
    )


class _InMemory(MemoryFileUploadHandler):
    """Keeps the whole upload in memory (up to the upload limit), never in a temporary
    file: a per-person export must not touch the disk."""

    def handle_raw_input(self, *args: Any, **kwargs: Any) -> None:
        super().handle_raw_input(*args, **kwargs)
        content_length = args[2] if len(args) > 2 else kwargs.get("content_length", 0)
        self.activated = (content_length or 0) <= max_upload_bytes() + 65536


@csrf_exempt  # the upload handler must be set before the token is read; checked below
@never_cache
def source_upload(request: HttpRequest) -> HttpResponse:
    request.upload_handlers = [_InMemory(request)]
    return _source_upload(request)


@csrf_protect
def _source_upload(request: HttpRequest) -> HttpResponse:
    require_writer(request)
    form = SourceForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    notes: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scope = scope_of(request.user)
        for field in ("desa", "kecamatan"):
            if data[field].strip() and not scope.covers(data[field].strip()):
                form.add_error(field, _("Wilayah di luar wilayah Anda."))
        if not form.errors:
            sent = data["file"]
            options = Options(
                desa=data["desa"].strip(),
                kecamatan=data["kecamatan"].strip(),
                period=data["period"].strip(),
                today=timezone.localdate(),
            )
            if ADAPTERS[data["kind"]].target == "apbdes":
                return _budget_upload(request, form, sent, options)
            try:
                aggregate = read_source(data["kind"], sent, size=sent.size, options=options)
            except BadFile as exc:
                form.add_error("file", str(exc))
            else:
                problems, notes = aggregate.errors, aggregate.notes
                if not problems:
                    upload = receive_counts(
                        aggregate, file_name=sent.name, by=request.user, kecamatan=options.kecamatan
                    )
                    check_upload(upload, by=request.user)
                    log.info("source upload %s (%s) by %s", upload.pk, data["kind"], request.user)
                    return redirect("intake-preview", pk=upload.pk)
    return _page(request, form, problems, notes)


def _budget_upload(
    request: HttpRequest, form: SourceForm, sent: Any, options: Options
) -> HttpResponse:
    """Siskeudes: the summed APBDes lines go to the APBDes preview page."""
    try:
        budget = read_budget(sent, size=sent.size, desa=options.desa, year=options.period)
    except BadFile as exc:
        form.add_error("file", str(exc))
        return _page(request, form, [], [])
    if budget.errors:
        return _page(request, form, budget.errors, budget.notes)
    upload = receive_budget(budget, file_name=sent.name, by=request.user)
    log.info("source upload %s (siskeudes) by %s", upload.pk, request.user)
    return redirect("intake-apbdes-preview", pk=upload.pk)


def _page(
    request: HttpRequest, form: SourceForm, problems: list[Any], notes: list[str]
) -> HttpResponse:
    return render(
        request,
        "sources/upload.html",
        {
            "form": form,
            "adapters": list(ADAPTERS.values()),
            "problems": problems[:500],
            "more": max(0, len(problems) - 500),
            "notes": notes,
            "limit_mb": max_upload_bytes() // 1048576,
        },
    )
