"""Benchmarks, run with `make bench` (`python -m bench [module ...]`).

Each module in this package that defines `run(args: list[str]) -> None` is a benchmark.
Figures are printed and written to bench/results/<module>.json; docs/PERFORMANCE.md
records them with the machine and date.
"""
