"""Dependencies run one way: regions → catalog → datavalues → analytics → pages (accounts
beside). Checked on the source, so that a lazy import inside a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def app_sources(app: str) -> list[Path]:
    return sorted(p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize(
    ("sources", "forbidden"),
    [
        (app_sources("datavalues"), "intake"),
        ([ROOT / "regions" / "models.py"], "accounts"),
        (app_sources("planning"), "dashboard"),
        (
            [p for p in app_sources("regions") if p.name != "setupdemo.py"],
            "analytics",
        ),
    ],
    ids=[
        "datavalues never imports intake",
        "regions/models.py never imports accounts",
        "planning never imports dashboard",
        "regions never imports analytics (setupdemo, which seeds every app, aside)",
    ],
)
def test_a_lower_module_never_imports_a_higher_one(sources: list[Path], forbidden: str) -> None:
    offenders = sorted(
        f"{path.relative_to(ROOT)}: {module}"
        for path in sources
        for module in imported_modules(path)
        if module == forbidden or module.startswith(forbidden + ".")
    )
    assert not offenders, offenders
