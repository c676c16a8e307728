"""Numbers as people type them, in a form field, a file cell or an API item.

One reading for every path that takes a value: Excel numbers as they are, text in
Indonesian or English style (see `parse_number`).
"""

from __future__ import annotations

import re
from datetime import date, datetime

Cell = str | float | int | bool | date | datetime | None

_THOUSANDS_DOT = re.compile(r"^-?[1-9]\d{0,2}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^-?\d{1,3}(,\d{3})+\.\d+$")


class BadCell(ValueError):
    pass


def is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def parse_number(cell: Cell, *, decimal_comma: bool | None = None) -> float:
    """A number from a cell: Excel numbers as they are; text in Indonesian or English style.

    `1.234,5` and `1234,5` are Indonesian (dot thousands, comma decimal). A bare `1.234`
    is one thousand two hundred and thirty-four in a ';'-separated file or an XLSX text
    cell (groups of exactly three digits after a non-zero lead), and 1.234 in a
    ','-separated file; `0.854` and `12.5` always have a decimal point.
    """
    if type(cell) is str and cell.isdigit() and cell.isascii():
        return float(cell)  # the common case: plain digits, read alike in every style
    if isinstance(cell, bool) or cell is None:
        raise BadCell("bukan bilangan / not a number")
    if isinstance(cell, int | float):
        return float(cell)
    if isinstance(cell, date | datetime):
        raise BadCell(f"tanggal {cell}, bukan bilangan / a date, not a number")
    text = str(cell).strip().replace("\u00a0", "").replace(" ", "")
    if text.startswith("="):
        raise BadCell("rumus tidak dihitung / formulas are not evaluated")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        elif _THOUSANDS_COMMA.match(text):
            text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".") if text.count(",") == 1 else text
    elif decimal_comma is not False and _THOUSANDS_DOT.match(text):
        text = text.replace(".", "")
    try:
        value = float(text)
    except ValueError:
        raise BadCell(f"{str(cell)[:40]!r} bukan bilangan / not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise BadCell(f"{str(cell)[:40]!r} bukan bilangan / not a number")
    return value


def parse_period_cell(cell: Cell) -> str:
    """A period code from a cell: text as written, a year number, or a date (its month)."""
    if type(cell) is str:
        return cell.strip().upper()
    if isinstance(cell, datetime | date):
        return f"{cell.year}-{cell.month:02d}"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, int) and not isinstance(cell, bool):
        return str(cell)
    return "" if cell is None else str(cell).strip().upper()


def text(cell: Cell) -> str:
    """A cell as trimmed text. A NUL character (which PostgreSQL cannot store or compare)
    becomes U+FFFD, so a code holding one is simply unknown, on either database."""
    if type(cell) is str:  # the common case first (every cell of a CSV)
        cell = cell.strip()
        return cell.replace("\x00", "\ufffd") if "\x00" in cell else cell
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip().replace("\x00", "\ufffd")
