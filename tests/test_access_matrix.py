"""Every URL pattern × every role, inside and outside the role's scope (tests/access_matrix.py)."""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.access_matrix import (
    HIDDEN,
    LOGIN,
    MATRIX,
    NOT_FOUND,
    OK,
    REDIRECT,
    UNAUTHORIZED,
    Entry,
)
from tests.cast import ROLES, Cast, cast_fixture  # noqa: F401


def url_keys(
    patterns: list[URLPattern | URLResolver] | None = None, namespace: str | None = None
) -> set[tuple[str, str]]:
    """(key, namespace) for every URL pattern of the project, walking nested includes."""
    found: set[tuple[str, str]] = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            found |= url_keys(pattern.url_patterns, pattern.namespace or namespace)
        else:
            name = pattern.name or str(pattern.pattern)
            found.add((f"{namespace}:{name}" if namespace else name, namespace or ""))
    return found


def test_every_url_pattern_has_an_entry_in_the_matrix() -> None:
    missing = sorted(
        key for key, namespace in url_keys() if key not in MATRIX and f"{namespace}:*" not in MATRIX
    )
    assert not missing, (
        "URL patterns without an entry in tests/access_matrix.py (add one; see its docstring): "
        + ", ".join(missing)
    )


def test_the_matrix_declares_no_url_that_does_not_exist() -> None:
    keys = {key for key, _ in url_keys()} | {f"{ns}:*" for _, ns in url_keys() if ns}
    stale = sorted(k for k, e in MATRIX.items() if k not in keys and not e.debug_only)
    assert not stale, f"Entries for URL patterns that no longer exist: {', '.join(stale)}"


def _path(spec: Any, code: str | None, cast: Cast, role: str) -> str:
    if isinstance(spec, str):
        return spec
    if len(inspect.signature(spec).parameters) == 1:
        return str(spec(code or ""))
    return str(spec(code or "", cast, role))


def _request(entry: Entry, cast: Cast, role: str, path: str, code: str | None) -> Any:
    headers: dict[str, str] = {}
    if entry.api:
        client = Client()
        if role != "anonymous":
            headers["Authorization"] = f"Bearer {cast.tokens[role]}"
    else:
        client = cast.client(role)
    if entry.method == "GET":
        return client.get(path, headers=headers)
    data = {
        k: (v.replace("{code}", code or "") if isinstance(v, str) else v)
        for k, v in entry.data.items()
    }
    if entry.api:
        return client.post(path, json.dumps(data), content_type="application/json", headers=headers)
    return client.post(path, data, headers=headers)


def _check(outcome: str, response: Any, code: str | None) -> str | None:
    """None when the response matches the outcome, else a description of the mismatch."""
    status = response.status_code
    location = response.headers.get("Location", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    login_url = resolve_url(settings.LOGIN_URL)
    shows_code = code is not None and code.encode() in body
    # A search echoes the query, so "hidden" means no link to the region and no JSON row.
    lists_region = code is not None and (
        f"/wilayah/{code}/".encode() in body
        or f'"code": "{code}"'.encode() in body
        or f'"code":"{code}"'.encode() in body
    )
    if outcome == OK:
        good = status in (200, 201) and (code is None or shows_code)
    elif outcome == HIDDEN:
        shows_code = lists_region
        good = status == 200 and not lists_region
    elif outcome == NOT_FOUND:
        good = status == 404 and not shows_code
    elif outcome == LOGIN:
        good = status == 302 and location.startswith(login_url)
    elif outcome == REDIRECT:
        good = status in (302, 303) and not location.startswith(login_url)
    elif outcome == UNAUTHORIZED:
        good = status == 401 and response.headers.get("Content-Type", "").startswith(
            "application/json"
        )
    else:
        raise AssertionError(f"unknown outcome {outcome}")
    if good:
        return None
    return f"expected {outcome}, got {status} {location} (code {code} shown: {shows_code})"


@pytest.fixture
def pdf_laid_out_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The matrix asks for one report as several roles; WeasyPrint turns a given document
    into the same PDF each time, so each distinct document is laid out once here (the
    reports' own tests render every time)."""
    import weasyprint

    original = weasyprint.HTML.write_pdf
    made: dict[str, bytes] = {}

    def write_pdf(self: Any, *args: Any, **kwargs: Any) -> bytes:
        key = self.source_key
        if key not in made:
            made[key] = original(self, *args, **kwargs)
        return made[key]

    original_init = weasyprint.HTML.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        self.source_key = str(kwargs.get("string"))
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "__init__", init)
    monkeypatch.setattr(weasyprint.HTML, "write_pdf", write_pdf)


@pytest.mark.parametrize("key", sorted(k for k, e in MATRIX.items() if not e.debug_only))
def test_each_role_gets_what_the_matrix_declares(
    key: str, cast: Cast, pdf_laid_out_once: None
) -> None:
    entry = MATRIX[key]
    failures: list[str] = []
    for role in ROLES:
        for spec in entry.urls:
            checks: list[tuple[str | None, str]] = []
            if not entry.scoped:
                checks.append((None, entry.expect[role]))
            else:
                inside = cast.in_scope(role)
                outside = cast.out_of_scope(role)
                if inside is not None:
                    checks.append((inside, entry.expect[role]))
                if outside is not None:
                    anonymous = entry.expect["anonymous"]
                    checks.append(
                        (outside, anonymous if role == "anonymous" else entry.out_of_scope)
                    )
            for code, outcome in checks:
                path = _path(spec, code, cast, role)
                problem = _check(outcome, _request(entry, cast, role, path, code), code)
                if problem:
                    failures.append(f"{role} {entry.method} {path}: {problem}")
    assert not failures, "\n".join(failures)
