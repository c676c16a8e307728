"""Discover bench/*.py modules with a `run(args)` function and run them in name order."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> None:
    wanted = [a for a in argv if not a.startswith("-")]
    options = [a for a in argv if a.startswith("-")]
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]))
    for name in names:
        if name.startswith("_") or (wanted and name not in wanted):
            continue
        module = importlib.import_module(f"bench.{name}")
        if hasattr(module, "run"):
            print(f"== bench.{name} ==", flush=True)
            module.run(options)


if __name__ == "__main__":
    main(sys.argv[1:])
