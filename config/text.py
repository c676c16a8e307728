"""Text typed or pasted by people, with control characters normalised.

Word inserts a vertical tab (\\v) for a manual line break, and copies from other programs can
carry \\x01 and the like. Stored as they come, they break what is made from the text later
(openpyxl refuses them, so a kecamatan's Excel report failed for every year). Every input path
passes free text through `plain_text` (forms through `PlainTextField`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _

# Characters that mean "new line": vertical tab, form feed, the file/group/record separators,
# NEL and the Unicode line and paragraph separators.
_BREAKS = re.compile("\r\n|[\r\v\f\x1c-\x1e\x85\u2028\u2029]")
# Every other control character (C0 but tab and newline, DEL, C1) is dropped.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
_WHITESPACE = re.compile(r"[\t\n]+")


def plain_text(value: str, *, multiline: bool = True) -> str:
    """`value` with line breaks as "\\n" and other control characters removed; a single-line
    value (`multiline=False`) has its tabs and line breaks turned into one space each."""
    if value.isprintable():  # the usual case, one pass in C (a file has many rows)
        return value
    text = _CONTROLS.sub("", _BREAKS.sub("\n", value))
    if not multiline:
        text = _WHITESPACE.sub(" ", text)
    return text


class PlainTextField(forms.CharField):
    """A form's free-text field: `plain_text` before the length check and validators."""

    def __init__(self, *, multiline: bool = True, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        if not isinstance(text, str):
            return text
        return plain_text(text, multiline=self.multiline).strip() if self.strip else text


class RefuseNulMiddleware:
    """400 for a NUL character in the path or the query string.

    No one types NUL, and PostgreSQL cannot store or even compare it in text (500 on every
    lookup that uses the value). Forms refuse it already (Django's CharField); JSON bodies are
    checked item by item (an unknown code, a normalised source).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if "\x00" in request.path or any(
            "\x00" in value for _name, values in request.GET.lists() for value in values
        ):
            return JsonResponse(
                {"detail": _("Karakter NUL tidak diterima.")},
                status=400,
            )
        return self.get_response(request)
