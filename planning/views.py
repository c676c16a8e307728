"""Planning pages: recommendations, APBDes evaluation, follow-ups, Musrenbang escalations.

Views parse, check access through accounts.scoping (404 outside the scope), call the topic
module and render. Writes need a kecamatan, kabupaten or admin role at the region and are
audited; a refused form writes nothing and says why in Indonesian.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import audit
from accounts.models import Action, Role
from accounts.scoping import region_for_user_or_404, scope_of
from analytics.formatting import number, percent, rupiah
from catalog.periods import BadPeriod, PeriodType, parse_period
from datavalues.sample import sample_data_under
from planning.escalations import escalations
from planning.evaluation import ApbdesEvaluation, evaluate
from planning.feedback import apply_change
from planning.followups import FollowUp, Status, change_status, create_follow_up
from planning.forms import EvaluationForm, FollowUpForm, StatusForm
from planning.recommendations import recommend
from regions.models import Level, Region

WRITERS = (Role.KECAMATAN, Role.KABUPATEN)


def default_year() -> int:
    """The last complete year: what the camat evaluates next year's plans against."""
    return timezone.localdate().year - 1


def year_from(request: HttpRequest, name: str = "periode") -> tuple[int, str | None]:
    code = request.GET.get(name, "").strip()
    if not code:
        return default_year(), None
    try:
        spec = parse_period(code)
    except (BadPeriod, ValueError):
        spec = None
    if spec is None or spec.type is not PeriodType.YEAR:
        notice = _("Tahun “%(code)s” tidak dikenali; ditampilkan tahun %(year)s.") % {
            "code": code[:20],
            "year": default_year(),
        }
        return default_year(), notice
    return spec.year, None


def region_at(request: HttpRequest, code: str, level: int) -> Region:
    region = region_for_user_or_404(request, code)
    if region.level != level:
        raise Http404("no region of this level with this code")
    return region


def _can_write(request: HttpRequest, code: str) -> bool:
    """Whether the user may change planning records of every sector at `code` (an APBDes
    evaluation spans them all); accounts.scoping decides."""
    return scope_of(request.user).may(code, WRITERS)


def _sectors(request: HttpRequest, code: str) -> frozenset[str] | None:
    return scope_of(request.user).sectors_at(code)


def recommendations(request: HttpRequest, code: str) -> HttpResponse:
    desa = region_at(request, code, Level.DESA)
    year, notice = year_from(request)
    result = recommend(desa=desa, year=year, sectors=_sectors(request, code))
    return render(
        request,
        "planning/recommendations.html",
        {
            "region": desa,
            "sample": sample_data_under(code),
            "year": year,
            "notice": notice,
            "rec": result,
            "number": number,
        },
    )


@require_http_methods(["GET", "POST"])
def apbdes_evaluation(request: HttpRequest, code: str) -> HttpResponse:
    desa = region_at(request, code, Level.DESA)
    year, notice = year_from(request)
    budget_year, budget_notice = year_from(request, "tahun")
    if not request.GET.get("tahun"):
        budget_year = year + 1  # the draft for next year is evaluated against this year's data
    record = ApbdesEvaluation.objects.filter(desa=desa, year=budget_year).first()
    form = EvaluationForm(
        initial={"result": record.result, "notes": record.notes} if record else None
    )
    writable = _can_write(request, code)
    if request.method == "POST":
        if not writable:
            raise Http404("role not held at this region")
        form = EvaluationForm(request.POST)
        if form.is_valid():
            ApbdesEvaluation.objects.update_or_create(
                desa=desa,
                year=budget_year,
                defaults={
                    "result": form.cleaned_data["result"],
                    "notes": form.cleaned_data["notes"],
                    "recorded_by": request.user.get_username(),
                    "recorded_at": timezone.now(),
                },
            )
            audit.record(
                Action.EDIT,
                request=request,
                region_code=desa.code,
                summary=f"evaluasi APBDes {budget_year}: {form.cleaned_data['result']}",
            )
            messages.success(request, _("Hasil evaluasi disimpan."))
            return redirect(request.get_full_path())
    evaluation = evaluate(
        desa=desa, year=year, budget_year=budget_year, sectors=_sectors(request, code)
    )
    return render(
        request,
        "planning/evaluation.html",
        {
            "region": desa,
            "sample": sample_data_under(code),
            "year": year,
            "budget_year": budget_year,
            "notice": notice or budget_notice,
            "ev": evaluation,
            "record": record,
            "form": form,
            "writable": writable,
            "rupiah": rupiah,
            "percent": percent,
        },
    )


def follow_ups(request: HttpRequest, code: str) -> HttpResponse:
    kecamatan = region_at(request, code, Level.KECAMATAN)
    # A sector-limited role writes follow-ups of its own sectors (the form offers only
    # their indicators; create_follow_up is checked again below).
    writable = scope_of(request.user).may_any_sector(code, WRITERS)
    sectors = _sectors(request, code)
    form = FollowUpForm(kecamatan=kecamatan, sectors=sectors)
    if request.method == "POST":
        if not writable:
            raise Http404("role not held at this region")
        form = FollowUpForm(request.POST, kecamatan=kecamatan, sectors=sectors)
        if form.is_valid():
            indicator = form.cleaned_data["indicator"]
            if not scope_of(request.user).may(
                form.cleaned_data["desa"].code, WRITERS, indicator.sector.code
            ):
                raise Http404("sector outside the user's write scope")
            try:
                item = create_follow_up(by=request.user.get_username(), **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                audit.record(
                    Action.EDIT,
                    request=request,
                    region_code=item.desa_id,
                    summary=f"tindak lanjut #{item.pk} dibuat",
                )
                messages.success(request, _("Tindak lanjut disimpan."))
                return redirect(reverse("follow-ups", args=[code]))
    today = timezone.localdate()
    items = list(
        FollowUp.objects.under(code)
        .in_sectors(sectors)
        .select_related("desa", "indicator")
        .prefetch_related("changes")
    )
    counts: dict[str, list[int]] = {}
    for item in items:
        count = counts.setdefault(item.desa_id, [0, 0])
        count[0] += item.status in (Status.PLANNED, Status.IN_PROGRESS)
        count[1] += item.is_overdue(today)
    desa = [
        (d, *counts.get(d.code, [0, 0]))
        for d in Region.objects.children_of(code).filter(level=Level.DESA).order_by("code")
    ]
    status = request.GET.get("status", "")
    if status == "terlambat":
        items = [i for i in items if i.is_overdue(today)]
    elif status in Status.values:
        items = [i for i in items if i.status == status]
    return render(
        request,
        "planning/followups.html",
        {
            "region": kecamatan,
            "sample": sample_data_under(code),
            "items": items,
            "today": today,
            "overdue": FollowUp.objects.under(code).in_sectors(sectors).overdue(today).count(),
            "form": form,
            "status_form": StatusForm(),
            "writable": writable,
            "statuses": Status.choices,
            "desa": desa,
            "status": status,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def follow_up_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(FollowUp.objects.select_related("desa", "indicator__sector"), pk=pk)
    region_for_user_or_404(request, item.desa_id)
    if not scope_of(request.user).may(item.desa_id, WRITERS, item.indicator.sector.code):
        raise Http404("role or sector not held at this region")
    kecamatan = item.desa.parent_id or ""
    form = StatusForm(request.POST)
    if form.is_valid():
        apply_change(
            request,
            lambda: change_status(
                follow_up=item,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                by=request.user.get_username(),
            ),
            region_code=item.desa_id,
            summary=lambda: f"tindak lanjut #{item.pk}: {item.status}",
            done=_("Status diperbarui."),
        )
    else:
        messages.error(request, _("Status tidak dikenal."))
    return redirect(reverse("follow-ups", args=[kecamatan]) + f"#tl-{item.pk}")


def escalation_list(request: HttpRequest, code: str) -> HttpResponse:
    kecamatan = region_at(request, code, Level.KECAMATAN)
    year, notice = year_from(request)
    return render(
        request,
        "planning/escalations.html",
        {
            "region": kecamatan,
            "sample": sample_data_under(code),
            "year": year,
            "notice": notice,
            "groups": escalations(kecamatan=kecamatan, year=year, sectors=_sectors(request, code)),
            "desa": Region.objects.children_of(code).filter(level=Level.DESA).order_by("code"),
            "number": number,
        },
    )
