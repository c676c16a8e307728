"""`{{ sector|named }}`: a sector's, indicator's or data element's name in the page's
language (the catalogue's `name_en` in English, `name_id` otherwise or when empty)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def named(item: Any) -> str:
    if item is None:
        return ""
    if (get_language() or "").startswith("en"):
        english = getattr(item, "name_en", "")
        if english:
            return str(english)
    return str(getattr(item, "name_id", item))
