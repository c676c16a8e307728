"""The client's IP address, trusting X-Forwarded-For only from the configured proxies."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or the address the N-th trusted proxy saw (settings.TRUSTED_PROXY_COUNT).

    Only the right-most N entries of X-Forwarded-For were written by our own proxies; anything
    left of them is whatever the client sent, so it is never trusted.
    """
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part]
    if len(forwarded) < proxies:
        return remote
    return _valid(forwarded[-proxies]) or remote
