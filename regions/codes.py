"""Arithmetic on Kemendagri region codes: `PP.KK.CC.DDDD` (province, kabupaten/kota,
kecamatan, desa/kelurahan). The one place that knows their shape.

A region's ancestors are prefixes of its code, so "the subtree of X" is a prefix test. In
the database that is a range on SQLite (its LIKE is case-insensitive and never uses an
ordinary index; '/' is the character right after '.' in ASCII) and `LIKE 'code.%'` on
PostgreSQL (served by a varchar_pattern_ops index whatever the collation).
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import F, Q
from django.db.models.lookups import StartsWith

# The code of Indonesia in tables keyed by a code string (roll-ups, region sizes): no
# Kemendagri code can be "ID".
NATIONAL = "ID"

# Length of the code of each level (0: Indonesia, 1 province … 4 desa).
CODE_WIDTH = {0: 0, 1: 2, 2: 5, 3: 8, 4: 13}


def dotted(code: str) -> str:
    """`3404012001` (a desa code as other systems write it) → `34.04.01.2001`; any other
    code as it is, without surrounding spaces."""
    digits = re.sub(r"\D", "", code)
    if len(digits) == 10 and "." not in code:
        return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"
    return code.strip()


def level_of(code: str) -> int:
    return code.count(".") + 1


def parent_code_of(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def ancestor_codes_of(code: str) -> list[str]:
    """Codes of the ancestors, from the province down (not the region itself)."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def code_at(code: str, level: int) -> str:
    """The code of the ancestor at `level` (1 province, 2 kabupaten, 3 kecamatan) of a
    region at that level or below."""
    return code[: CODE_WIDTH[level]]


def is_within_or_equal(code: str, root: str) -> bool:
    return code == root or code.startswith(root + ".")


def within_code(code: str) -> Q:
    """A filter on a model's `code` for every region strictly below `code`."""
    return subtree_q("code", code)


def subtree_q(field_name: str, code: str) -> Q:
    """Every value of a code field (or a foreign key to Region) strictly below `code`."""
    if connection.vendor == "sqlite":
        return Q(**{f"{field_name}__gt": code + ".", f"{field_name}__lt": code + "/"})
    # A lookup expression, so that a foreign key ("desa", "desa_id") works like a string
    # field: `desa_id__startswith` is refused for foreign keys.
    return Q(StartsWith(F(field_name), code + "."))


def subtree_sql(column: str, prefix: str) -> tuple[str, list[str]]:
    """Raw SQL for rows whose `column` equals `prefix` or lies below it, and its
    parameters (for statements written out rather than built by the ORM)."""
    if connection.vendor == "sqlite":
        return f"({column} = %s OR ({column} > %s AND {column} < %s))", [
            prefix,
            prefix + ".",
            prefix + "/",
        ]
    return f"({column} = %s OR {column} LIKE %s)", [prefix, prefix + ".%"]
