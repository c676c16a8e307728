"""The login flow: username or e-mail, password, then (when needed) a TOTP code.

After the password, a user who must give a second factor is only *pending*: the session
holds their id for a few minutes and they are not logged in until the code is right.
"""

from __future__ import annotations

import time
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib.auth import get_user_model, login
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.scoping import scope_of

PENDING_KEY = "dashkec_pending_login"
PENDING_SECONDS = 300
MAX_CODE_FAILURES = 5


def resolve_login_name(identifier: str) -> str:
    """The username for what was typed: a username, or an e-mail address held by one user."""
    identifier = identifier.strip()
    if "@" in identifier:
        usernames = list(
            get_user_model()
            .objects.filter(email__iexact=identifier)
            .values_list("username", flat=True)[:2]
        )
        if len(usernames) == 1:
            return str(usernames[0])
    return identifier


def totp_required(user: Any) -> bool:
    """National administrators and anyone who can open the Django admin need TOTP."""
    return bool(user.is_staff or user.is_superuser or scope_of(user).is_admin)


def is_verified(user: Any) -> bool:
    """Whether this session passed a second factor (django-otp's OTPMiddleware tells)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def needs_second_factor(user: Any) -> bool:
    return totp_required(user) or confirmed_device(user) is not None


def start_pending(request: HttpRequest, user: Any) -> None:
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "backend": user.backend,
        "since": time.time(),
        "failures": 0,
        "device_id": None,
    }


def pending_state(request: HttpRequest) -> dict[str, Any] | None:
    state = request.session.get(PENDING_KEY)
    if not isinstance(state, dict) or time.time() - state.get("since", 0) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    return state


def pending_user(request: HttpRequest) -> Any | None:
    state = pending_state(request)
    if state is None:
        return None
    return get_user_model().objects.filter(pk=state["user_id"], is_active=True).first()


def count_failure(request: HttpRequest) -> bool:
    """Count a wrong code; returns False (and forgets the pending login) once too many."""
    state = pending_state(request)
    if state is None:
        return False
    state["failures"] += 1
    if state["failures"] >= MAX_CODE_FAILURES:
        request.session.pop(PENDING_KEY, None)
        return False
    request.session[PENDING_KEY] = state
    return True


def enrolment_device(request: HttpRequest, user: Any) -> TOTPDevice:
    """The unconfirmed device being set up in this session (created on first use)."""
    state = request.session.get(PENDING_KEY) or {}
    device_id = state.get("device_id") or request.session.get("dashkec_enrol_device")
    device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
        if PENDING_KEY in request.session:
            state["device_id"] = device.pk
            request.session[PENDING_KEY] = state
        else:
            request.session["dashkec_enrol_device"] = device.pk
    return device


def confirm_device(request: HttpRequest, device: TOTPDevice) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user_id=device.user_id, confirmed=False).delete()
    request.session.pop("dashkec_enrol_device", None)


def qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    out = BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    # Drop the XML declaration so the SVG can sit inside HTML.
    return svg[svg.index("<svg") :]


def finish(request: HttpRequest, user: Any, device: TOTPDevice | None) -> None:
    """Log the user in (a new session key), remembering the verified device if any."""
    state = request.session.pop(PENDING_KEY, None) or {}
    backend = state.get("backend") or getattr(user, "backend", None)
    login(request, user, backend=backend)
    if device is not None:
        otp_login(request, device)
