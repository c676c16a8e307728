from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from accounts import audit
from accounts.middleware import AuthedRequest
from accounts.models import Action, AuditEvent
from accounts.scoping import scope_of


class AuditFilter(forms.Form):
    action = forms.ChoiceField(
        label=_("Tindakan"), choices=[("", _("semua")), *Action.choices], required=False
    )
    username = forms.CharField(label=_("Pengguna"), max_length=150, required=False)
    region = forms.RegexField(
        label=_("Kode wilayah"), regex=r"^[0-9.]{1,13}\Z", max_length=13, required=False
    )
    since = forms.DateField(label=_("Dari tanggal"), required=False)
    until = forms.DateField(label=_("Sampai tanggal"), required=False)

    def events(self) -> QuerySet[AuditEvent]:
        rows = AuditEvent.objects.all()
        if not self.is_valid():
            return rows.none()
        data = self.cleaned_data
        if data["action"]:
            rows = rows.filter(action=data["action"])
        if data["username"]:
            rows = rows.filter(username__iexact=data["username"].strip())
        if data["region"]:
            rows = rows.filter(region_code__startswith=data["region"])
        tz = timezone.get_current_timezone()
        if data["since"]:
            rows = rows.filter(at__gte=datetime.combine(data["since"], time.min, tzinfo=tz))
        if data["until"]:
            rows = rows.filter(at__lte=datetime.combine(data["until"], time.max, tzinfo=tz))
        return rows


def _require_admin(request: HttpRequest) -> None:
    if not scope_of(request.user).is_admin:
        raise Http404("audit log is for administrators")


@never_cache
def audit_list(request: AuthedRequest) -> HttpResponse:
    _require_admin(request)
    form = AuditFilter(request.GET)
    page = Paginator(form.events(), 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "accounts/audit.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@never_cache
def audit_export(request: AuthedRequest) -> StreamingHttpResponse:
    _require_admin(request)
    form = AuditFilter(request.GET)
    events = form.events()
    audit.record(
        Action.EXPORT,
        request=request,
        summary="audit log CSV",
        detail={"filters": {k: v for k, v in request.GET.items() if k != "page"}},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        audit.csv_rows(events.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
