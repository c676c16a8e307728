"""Numbers as Indonesians write them (1.234,5), formatted in Python.

Pages format hundreds of numbers; doing it here instead of in template filters keeps the
template engine — the slowest part of a page on two cores — to plain variable output.
"""

from __future__ import annotations

from catalog.models import Direction, Indicator

MINUS = "−"  # U+2212: a real minus sign, as wide as the plus sign


def number(value: float | None, decimals: int = 1, *, empty: str = "–") -> str:
    """1234.5 → "1.234,5"; None → "–"."""
    if value is None:
        return empty
    text = f"{abs(value):,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    negative = value < 0 and text.strip("0,.") != ""
    return f"{MINUS}{text}" if negative else text


def signed(value: float | None, decimals: int = 1) -> str:
    """A change: "+1,2", "−0,5", "0,0"."""
    if value is None:
        return "–"
    text = number(value, decimals)
    return f"+{text}" if value > 0 and text.strip("0,.") else text


def rupiah(value: float | None) -> str:
    """Rp 1.250.000; large amounts in juta/miliar keep cards readable on a phone."""
    if value is None:
        return "–"
    if abs(value) >= 1e9:
        return f"Rp {number(value / 1e9, 2)} M"
    if abs(value) >= 1e6:
        return f"Rp {number(value / 1e6, 1)} jt"
    return f"Rp {number(value, 0)}"


def percent(value: float | None, decimals: int = 0) -> str:
    return "–" if value is None else f"{number(value, decimals)}%"


def target_text(indicator: Indicator, value: float) -> str:
    """A target as a bound: "≥ 90%", "≤ 14,2%", "≥ 0,7072 skor"."""
    sign = "≥" if indicator.direction == Direction.HIGHER else "≤"
    decimals = 0 if value == round(value) else max(indicator.decimals, 1)
    unit = "%" if indicator.unit == "%" else f" {indicator.unit}"
    return f"{sign} {number(value, decimals)}{unit}"
