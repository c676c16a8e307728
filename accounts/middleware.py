from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

from accounts.login import is_verified, totp_required


class AuthedRequest(HttpRequest):
    """The request type of every view this middleware guards (not `login_not_required`)."""

    user: User


# The API answers 401 itself (JSON), so it is not redirected to the login page.
API_NAMESPACES = frozenset({"api-v1"})
# Views of other packages that must work before login.
PUBLIC_URL_NAMES = frozenset({"set_language"})


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a login unless its view is marked `login_not_required`.

    A user whose role needs TOTP but whose session was not verified with it (for example an
    administrator role granted after they logged in) is logged out and sent to the login.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        match = request.resolver_match
        if match is not None and (
            match.namespace in API_NAMESPACES or match.url_name in PUBLIC_URL_NAMES
        ):
            return None
        user = request.user
        if (
            user.is_authenticated
            and not is_verified(user)
            and totp_required(user)
            and getattr(view_func, "login_required", True)
        ):
            logout(request)
            return redirect_to_login(request.get_full_path())
        return super().process_view(request, view_func, view_args, view_kwargs)

    def get_login_url(self, view_func: Callable[..., Any]) -> str:
        # Always the application's login page, even for views (the admin's) that name another.
        return str(settings.LOGIN_URL)


class PrivateResponsesMiddleware:
    """Nothing shown to a signed-in user or an API token may be stored by a cache or browser.

    Every response to an authenticated request (session or `Authorization` header, read after
    the view, where token authentication happens) gets `Cache-Control: private, no-store`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "Authorization" in request.headers:
            patch_cache_control(response, private=True, no_store=True)
        return response
