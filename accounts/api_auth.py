"""Authentication for the JSON API: `Authorization: Bearer <token>`, or the browser session.

A token authenticates as its user, so every endpoint sees `request.user` and scopes with
accounts.scoping exactly as a page does: the token carries the user's scope and no more.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from accounts.login import is_verified, totp_required
from accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        found = ApiToken.authenticate(token)
        if found is None:
            return None
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class VerifiedSessionAuth(SessionAuth):
    """The logged-in browser session (CSRF-checked), if its second factor was verified.

    A request that carries a bearer token chose token authentication: a wrong token is then
    401, not a CSRF refusal (403) from the session fallback. (Other schemes, such as the Basic
    credentials a browser repeats for a password-protected staging site, leave the session.)
    """

    def __call__(self, request: HttpRequest) -> Any | None:
        scheme = request.headers.get("Authorization", "").split(" ", 1)[0]
        if scheme.lower() == "bearer":
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        user = super().authenticate(request, key)
        if user is not None and totp_required(user) and not is_verified(request.user):
            return None
        return user


api_auth = [TokenAuth(), VerifiedSessionAuth()]
