"""Numerator and denominator expressions: linear combinations of data element codes.

`BUMIL_ANC + 2 * BUMIL_X - BUMIL_Y` and `count(PAUD_ADA)` (the number of desa that reported
PAUD_ADA) are allowed; nothing else. Linearity is what lets a figure for any region be read
from the roll-ups: Σ over desa of (a·X + b·Y) = a·ΣX + b·ΣY. A constant term is refused,
because "Σ over desa of a constant" would silently depend on how many desa reported.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

SUM = "sum"
COUNT = "count"


class BadExpression(ValueError):
    """An expression that is not a linear combination of known data elements."""


@dataclass(frozen=True, slots=True)
class Term:
    kind: str  # SUM or COUNT
    element: str


@dataclass(frozen=True, slots=True)
class Expression:
    text: str
    terms: tuple[tuple[Term, float], ...]

    @property
    def elements(self) -> frozenset[str]:
        return frozenset(term.element for term, _ in self.terms)

    def evaluate(self, sums: Mapping[str, float], counts: Mapping[str, int]) -> float:
        total = 0.0
        for term, coefficient in self.terms:
            source = sums if term.kind == SUM else counts
            total += coefficient * source.get(term.element, 0)
        return total


def _fail(text: str, why: StrOrPromise) -> BadExpression:
    return BadExpression(
        format_lazy(
            _(
                "Ekspresi {text} tidak sah: {why}. Hanya kode elemen data, count(KODE), "
                "bilangan pengali, +, - dan kurung."
            ),
            text=repr(text),
            why=why,
        )
    )


def _linear(node: ast.expr, text: str) -> dict[Term | None, float]:
    """A linear form {term: coefficient}; the key None holds a constant."""
    if isinstance(node, ast.Name):
        return {Term(SUM, node.id): 1.0}
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        if isinstance(node.value, bool):
            raise _fail(text, _("nilai boolean"))
        return {None: float(node.value)}
    if isinstance(node, ast.Call):
        if (
            isinstance(node.func, ast.Name)
            and node.func.id == "count"
            and len(node.args) == 1
            and not node.keywords
            and isinstance(node.args[0], ast.Name)
        ):
            return {Term(COUNT, node.args[0].id): 1.0}
        raise _fail(text, _("hanya fungsi count(KODE) yang dikenal"))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
        return {k: sign * v for k, v in _linear(node.operand, text).items()}
    if isinstance(node, ast.BinOp):
        left, right = _linear(node.left, text), _linear(node.right, text)
        if isinstance(node.op, ast.Add | ast.Sub):
            sign = 1.0 if isinstance(node.op, ast.Add) else -1.0
            out = dict(left)
            for k, v in right.items():
                out[k] = out.get(k, 0.0) + sign * v
            return out
        if isinstance(node.op, ast.Mult):
            if set(left) == {None}:
                return {k: left[None] * v for k, v in right.items()}
            if set(right) == {None}:
                return {k: right[None] * v for k, v in left.items()}
            raise _fail(text, _("perkalian dua elemen data tidak linear"))
        raise _fail(text, _("operator tidak diizinkan"))
    raise _fail(text, _("bentuk tidak dikenal"))


@functools.lru_cache(maxsize=2048)
def _parse(text: str) -> Expression:
    # Figures parse the same few expressions on every request; parsing is pure.
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise _fail(text, _("sintaks salah")) from None
    form = _linear(tree.body, text)
    constant = form.pop(None, 0.0)
    if constant:
        raise _fail(text, _("suku konstanta tidak diizinkan"))
    terms = tuple(sorted(((t, c) for t, c in form.items() if t is not None and c), key=str))
    if not terms:
        raise _fail(text, _("tidak menyebut elemen data"))
    return Expression(text=text.strip(), terms=terms)


def parse_expression(text: str, known: Mapping[str, object] | None = None) -> Expression:
    """Parse `text`; when `known` is given, every element code must be in it."""
    if not isinstance(text, str) or not text.strip():
        raise _fail(str(text), _("kosong"))
    expression = _parse(text)
    terms = expression.terms
    if known is not None:
        unknown = sorted({t.element for t, _ in terms} - set(known))
        if unknown:
            raise BadExpression(
                format_lazy(
                    _("Ekspresi {text} menyebut elemen data yang tidak dikenal: {codes}."),
                    text=repr(text),
                    codes=", ".join(unknown),
                )
            )
    return expression
