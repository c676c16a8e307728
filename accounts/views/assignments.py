from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import assigning, audit
from accounts.forms import AssignmentForm
from accounts.middleware import AuthedRequest
from accounts.models import Action
from accounts.scoping import scope_of


def _require_manager(request: HttpRequest) -> None:
    if assigning.managed_roots(scope_of(request.user)) == []:
        raise Http404("not a manager of assignments")


@never_cache
def assignment_list(request: AuthedRequest) -> HttpResponse:
    _require_manager(request)
    form = AssignmentForm(request.POST if request.method == "POST" else None)
    created_password: str | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if not assigning.can_manage(request.user, data["role"], data["region"] or None):
                    raise assigning.Refused(
                        _("Anda tidak berwenang memberi peran ini di wilayah ini.")
                    )
                # An account the manager may not reach reads as unknown (assignable_user).
                user = assigning.assignable_user(request.user, data["username"])
                if user is None and not data["create"]:
                    raise assigning.Refused(
                        _("Pengguna %(name)s tidak ada. Centang “buat pengguna baru”.")
                        % {"name": data["username"]}
                    )
                if user is None:
                    if assigning.username_taken(data["username"]):
                        raise assigning.Refused(
                            _("Nama pengguna ini tidak dapat dipakai; pilih nama lain.")
                        )
                    user, created_password = assigning.create_user(data["username"])
                    audit.record(
                        Action.USER_CREATED,
                        request=request,
                        summary=user.username,
                        detail={"user_id": user.pk},
                    )
                _assignment, created = assigning.grant(
                    by=request.user,
                    user=user,
                    role=data["role"],
                    region_code=data["region"] or None,
                    sectors=data["sectors"],
                    cohort_id=data["cohort"].pk if data["cohort"] else None,
                    request=request,
                )
        except (assigning.Refused, ValidationError) as error:
            created_password = None
            message = (
                error.args[0] if isinstance(error, assigning.Refused) else " ".join(error.messages)
            )
            audit.record(
                Action.DENIED,
                request=request,
                region_code=data.get("region") or "",
                summary=f"assignment refused: {data['username']} {data['role']}",
            )
            form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Penugasan disimpan.") if created else _("Penugasan sudah ada; tidak berubah."),
            )
            if created_password is None:
                return redirect("assignment-list")
            form = AssignmentForm()
    rows = assigning.manageable(request.user).order_by("region_id", "role", "user__username")
    query = request.GET.get("q", "").strip()[:150]
    if query:
        rows = rows.filter(Q(user__username__icontains=query) | Q(region__code__startswith=query))
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/assignments.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "created_password": created_password,
            "created_username": form.data.get("username") if created_password else None,
        },
    )


@require_POST
def assignment_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    assignment = assigning.manageable(request.user).filter(pk=pk).first()
    if assignment is None:
        raise Http404("assignment not manageable by this user")
    assigning.revoke(by=request.user, assignment=assignment, request=request)
    messages.success(request, _("Penugasan dicabut."))
    return redirect("assignment-list")
