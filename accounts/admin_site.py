from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp.admin import OTPAdminSite


class AdminSite(OTPAdminSite):
    """The Django admin, for verified (TOTP) staff only; others get 404, never a login form.

    Logging in happens on the application's own login page (lockout, TOTP, audit).
    """

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def admin_view(self, view: Callable[..., Any], cacheable: bool = False) -> Callable[..., Any]:
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            # Django marks admin views `login_not_required` (the admin has its own login);
            # here the application's login page is the only way in.
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request):
                raise Http404("not an administrator")
            return inner(request, *args, **kwargs)

        return guarded

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.user.is_authenticated:
            if not self.has_permission(request):
                raise Http404("not an administrator")
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
