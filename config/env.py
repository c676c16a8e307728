"""Typed readers for settings from the environment.

Each helper refuses ambiguous values loudly (ImproperlyConfigured) instead of guessing,
so a typo in a deployment's environment stops the start-up rather than changing behaviour.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(
                f"Variabel lingkungan {name} wajib diisi. / Environment variable {name} is required."
            )
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} bukan nilai ya/tidak (1/0, true/false). / {name}={raw!r} is not a boolean."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={raw!r} bukan bilangan bulat. / {name}={raw!r} is not an integer."
        ) from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str, base_dir: Path) -> dict[str, Any]:
    """Turn `sqlite:///path` or `postgres://user:pass@host:port/name` into Django's dict."""
    parts = urlsplit(url)
    options = dict(parse_qsl(parts.query))
    if parts.scheme == "sqlite":
        # sqlite:///relative.db and sqlite:////absolute/path.db, as in dj-database-url.
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        if not path:
            raise ImproperlyConfigured(
                "DATABASE_URL sqlite tanpa nama berkas. / DATABASE_URL for sqlite names no file."
            )
        name = path if path == ":memory:" or Path(path).is_absolute() else str(base_dir / path)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            # IMMEDIATE takes the write lock at BEGIN, so concurrent writers wait on the busy
            # timeout instead of failing with "database is locked"; WAL lets readers go on;
            # synchronous=FULL keeps committed data through a power loss.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
            },
            "TEST": {"NAME": None},
        }
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(
                "DATABASE_URL PostgreSQL tanpa nama basis data. / DATABASE_URL names no database."
            )
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": int(options.pop("conn_max_age", "60")),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL dengan skema {parts.scheme!r} tidak didukung (sqlite, postgres). / "
        f"Unsupported DATABASE_URL scheme {parts.scheme!r}."
    )
