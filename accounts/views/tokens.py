from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import audit
from accounts.forms import TokenForm
from accounts.middleware import AuthedRequest
from accounts.models import Action, ApiToken


@never_cache
def token_list(request: AuthedRequest) -> HttpResponse:
    form = TokenForm(request.POST if request.method == "POST" else None)
    raw: str | None = None
    if request.method == "POST" and form.is_valid():
        token, raw = ApiToken.issue(
            user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        audit.record(
            Action.TOKEN_CREATED,
            request=request,
            summary=f"{token.name} ({token.hint}…)",
            detail={"token_id": token.pk, "expires_at": token.expires_at.isoformat()},
        )
        # Shown in this response only; never stored, never put in a message or a redirect.
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "accounts/tokens.html", {"form": form, "tokens": tokens, "raw": raw})


@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if token.revoked_at is None:
        token.revoke()
        audit.record(
            Action.TOKEN_REVOKED,
            request=request,
            summary=f"{token.name} ({token.hint}…)",
            detail={"token_id": token.pk},
        )
        messages.success(request, _("Token %(name)s dicabut.") % {"name": token.name})
    return redirect("token-list")
