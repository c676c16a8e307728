from __future__ import annotations

from base64 import b32encode

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import audit
from accounts.assigning import managed_roots
from accounts.forms import CodeForm, LoginForm
from accounts.login import (
    confirm_device,
    confirmed_device,
    count_failure,
    enrolment_device,
    finish,
    needs_second_factor,
    pending_user,
    qr_svg,
    start_pending,
    totp_required,
)
from accounts.middleware import AuthedRequest
from accounts.models import Action, Assignment
from accounts.scoping import scope_of

NEXT_KEY = "dashkec_next"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    """A path on this site (`/…`); anything else, including a bare word, leads home."""
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return reverse("home")


@login_not_required
@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return redirect(next_url)
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if needs_second_factor(user):
            start_pending(request, user)
            request.session[NEXT_KEY] = next_url
            return redirect("login-totp")
        finish(request, user, None)
        return redirect(next_url)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


def _code_failed(request: HttpRequest, user: object, form: CodeForm) -> HttpResponse | None:
    audit.record(Action.TOTP_FAILED, request=request, user=user)
    if not count_failure(request):
        messages.error(request, _("Terlalu banyak kode salah. Silakan masuk lagi."))
        return redirect("login")
    form.add_error("code", _("Kode salah atau sudah dipakai. Coba kode berikutnya."))
    return None


def _finish_and_go(request: HttpRequest, user: object, device: TOTPDevice) -> HttpResponse:
    next_url = _safe_next(request, request.session.get(NEXT_KEY))
    finish(request, user, device)
    return redirect(next_url)


@login_not_required
@sensitive_post_parameters("code")
@never_cache
def login_totp(request: HttpRequest) -> HttpResponse:
    user = pending_user(request)
    if user is None:
        messages.error(request, _("Waktu masuk habis. Silakan masuk lagi."))
        return redirect("login")
    device = confirmed_device(user)
    if device is None:
        return redirect("login-totp-enrol")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            return _finish_and_go(request, user, device)
        if (gone := _code_failed(request, user, form)) is not None:
            return gone
    return render(request, "accounts/totp.html", {"form": form})


@login_not_required
@sensitive_post_parameters("code")
@never_cache
def login_totp_enrol(request: HttpRequest) -> HttpResponse:
    """First login of a user who must use TOTP: set up the authenticator app, then log in."""
    user = pending_user(request)
    if user is None:
        messages.error(request, _("Waktu masuk habis. Silakan masuk lagi."))
        return redirect("login")
    if confirmed_device(user) is not None:
        return redirect("login-totp")
    device = enrolment_device(request, user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            confirm_device(request, device)
            audit.record(Action.TOTP_ENROLLED, request=request, user=user)
            return _finish_and_go(request, user, device)
        if (gone := _code_failed(request, user, form)) is not None:
            return gone
    return render(request, "accounts/totp_enrol.html", _enrol_context(device, form))


def _enrol_context(device: TOTPDevice, form: CodeForm) -> dict[str, object]:
    return {"form": form, "qr": qr_svg(device), "secret": b32encode(device.bin_key).decode()}


@login_not_required
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("Anda sudah keluar."))
    return redirect("login")


@never_cache
def account(request: AuthedRequest) -> HttpResponse:
    assignments = Assignment.objects.filter(user=request.user).select_related("region")
    scope = scope_of(request.user)
    return render(
        request,
        "accounts/account.html",
        {
            "assignments": assignments,
            "totp_active": confirmed_device(request.user) is not None,
            "totp_required": totp_required(request.user),
            "can_manage": managed_roots(scope) != [],
            "is_admin": scope.is_admin,
        },
    )


@sensitive_post_parameters("code")
@never_cache
def account_totp(request: AuthedRequest) -> HttpResponse:
    """Optional second factor for any user (required ones set it up while logging in)."""
    if confirmed_device(request.user) is not None:
        messages.info(request, _("Verifikasi dua langkah sudah aktif."))
        return redirect("account")
    device = enrolment_device(request, request.user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            confirm_device(request, device)
            otp_login(request, device)
            audit.record(Action.TOTP_ENROLLED, request=request)
            messages.success(request, _("Verifikasi dua langkah aktif."))
            return redirect("account")
        audit.record(Action.TOTP_FAILED, request=request)
        form.add_error("code", _("Kode salah atau sudah dipakai. Coba kode berikutnya."))
    return render(request, "accounts/totp_enrol.html", _enrol_context(device, form))


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
def password_change(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        audit.record(Action.PASSWORD_CHANGED, request=request)
        messages.success(request, _("Kata sandi sudah diganti."))
        return redirect("account")
    return render(request, "accounts/password.html", {"form": form})
