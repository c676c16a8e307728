"""Validation rules declared in catalog/validation_rules.yaml, applied to a batch of values.

`save_values` already refuses what can never be right for one value (type, range, sign).
These rules look across values: numerator ≤ denominator, desa-only elements, and outliers
against the desa's own history. Imports, the entry form and the API call `check_batch`
before `save_values`, so every path applies the same rules.
"""

from __future__ import annotations

import statistics
from collections import ChainMap, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import yaml

from catalog.models import DataElement, Period
from catalog.periods import PeriodSpec, PeriodType, parse_period
from datavalues.models import DataValue

RULES_FILE = Path(__file__).resolve().parent.parent / "catalog" / "validation_rules.yaml"
ERROR = "error"
WARNING = "warning"


class Candidate(NamedTuple):
    """One value about to be saved; `key` ties a finding back to a file row or form field."""

    key: Any
    region: str
    element: str
    period: str
    value: float


class Checkable(Protocol):
    """What the rules read of a value: a Candidate, or a file import's own item (a million
    of them are checked without copying each into a Candidate)."""

    @property
    def key(self) -> Any: ...
    @property
    def region(self) -> str: ...
    @property
    def element(self) -> str: ...
    @property
    def period(self) -> str: ...
    @property
    def value(self) -> float: ...


@dataclass(frozen=True)
class Finding:
    key: Any
    severity: str
    message: str


@dataclass(frozen=True)
class Pair:
    numerator: str
    denominator: str
    severity: str


@dataclass(frozen=True)
class Rules:
    desa_only: frozenset[str]
    pairs: tuple[Pair, ...]
    outlier_threshold: float
    outlier_min_history: int
    outlier_severity: str


@cache
def rules() -> Rules:
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    outliers = data.get("outliers", {})
    return Rules(
        desa_only=frozenset(data.get("desa_only", [])),
        pairs=tuple(
            Pair(p["numerator"], p["denominator"], p.get("severity", ERROR))
            for p in data.get("pairs", [])
        ),
        outlier_threshold=float(outliers.get("threshold", 5)),
        outlier_min_history=int(outliers.get("min_history", 4)),
        outlier_severity=outliers.get("severity", WARNING),
    )


def robust_outlier(value: float, history: Sequence[float], *, threshold: float) -> bool:
    """True when `value` lies more than `threshold` robust deviations from the median.

    The MAD is scaled by 1.4826 to estimate a standard deviation; a zero MAD (a flat
    history) makes any different value an outlier only if it differs by more than half
    the median, so one small change in a constant series is not flagged.
    """
    median = statistics.median(history)
    mad = statistics.median(abs(h - median) for h in history) * 1.4826
    if mad == 0:
        return abs(value - median) > max(abs(median) * 0.5, 1.0)
    return abs(value - median) > threshold * mad


def check_batch(
    candidates: Sequence[Checkable],
    *,
    outliers: bool = True,
    context: dict[tuple[str, str, str], float] | None = None,
    outlier_keys: Collection[Any] | None = None,
) -> list[Finding]:
    """Findings for a batch of well-formed values (known desa, element and period).

    `context` holds values about to be saved with the batch but checked in another batch
    (other chunks of the same file): a pair compares with them before the stored values.
    `outlier_keys` limits the outlier rule to these candidates (a file import passes the
    new and changed values: an unchanged value is not written, so not judged again).
    """
    r = rules()
    findings: list[Finding] = []
    batch = {(c.region, c.element, c.period): c.value for c in candidates}
    by_key: Mapping[tuple[str, str, str], float] = ChainMap(batch, context) if context else batch
    pair_elements = {p.numerator for p in r.pairs} | {p.denominator for p in r.pairs}
    involved = [c for c in candidates if c.element in pair_elements]
    elements = {
        e.code: e for e in DataElement.objects.filter(code__in={c.element for c in candidates})
    }
    if involved:
        findings += _pairs(involved, by_key, elements, r)
    if outliers:
        if outlier_keys is not None:
            candidates = [c for c in candidates if c.key in outlier_keys]
        findings += _outliers(candidates, elements, r)
    return findings


def _stored(keys: set[tuple[str, str, str]]) -> dict[tuple[str, str, str], float]:
    """Stored values for (region, element, period code) keys."""
    if not keys:
        return {}
    regions = {k[0] for k in keys}
    found: dict[tuple[str, str, str], float] = {}
    codes = sorted(regions)
    for start in range(0, len(codes), 500):
        for region, element, period, value in DataValue.objects.filter(
            region_id__in=codes[start : start + 500],
            element__code__in={k[1] for k in keys},
            period__code__in={k[2] for k in keys},
        ).values_list("region_id", "element__code", "period__code", "value"):
            if (region, element, period) in keys:
                found[(region, element, period)] = value
    return found


def _pairs(
    involved: Sequence[Checkable],
    by_key: Mapping[tuple[str, str, str], float],
    elements: dict[str, DataElement],
    r: Rules,
) -> list[Finding]:
    all_elements = {e.code: e for e in DataElement.objects.filter(code__in=_pair_codes(r))}
    wanted: list[tuple[Pair, Checkable, tuple[str, str, str], tuple[str, str, str]]] = []
    for candidate in involved:
        for pair in r.pairs:
            if candidate.element not in (pair.numerator, pair.denominator):
                continue
            num_e, den_e = all_elements.get(pair.numerator), all_elements.get(pair.denominator)
            if num_e is None or den_e is None:
                continue
            spec = parse_period(candidate.period)
            num_spec, den_spec = _aligned(spec, num_e.period_type_enum, den_e.period_type_enum)
            if num_spec is None or den_spec is None:
                continue
            num_key = (candidate.region, pair.numerator, num_spec.code)
            den_key = (candidate.region, pair.denominator, den_spec.code)
            wanted.append((pair, candidate, num_key, den_key))
    stored = _stored({k for w in wanted for k in (w[2], w[3]) if k not in by_key})
    findings: list[Finding] = []
    for pair, candidate, num_key, den_key in wanted:
        num = by_key[num_key] if num_key in by_key else stored.get(num_key)
        den = by_key[den_key] if den_key in by_key else stored.get(den_key)
        if num is None or den is None or num <= den:
            continue
        # Report once, on the value of the pair that is in the batch (numerator first).
        if candidate.element == pair.denominator and num_key in by_key:
            continue
        findings.append(
            Finding(
                candidate.key,
                pair.severity,
                f"{pair.numerator} ({num:g}) melebihi {pair.denominator} ({den:g}) / "
                f"{pair.numerator} exceeds {pair.denominator}",
            )
        )
    return findings


def _pair_codes(r: Rules) -> set[str]:
    return {p.numerator for p in r.pairs} | {p.denominator for p in r.pairs}


def _aligned(
    spec: PeriodSpec, num_type: PeriodType, den_type: PeriodType
) -> tuple[PeriodSpec | None, PeriodSpec | None]:
    """The numerator and denominator periods that belong together with `spec`.

    A monthly numerator is compared with the yearly denominator containing it; the reverse
    (a coarse numerator, fine denominator) is not comparable and is skipped.
    """
    if spec.type == num_type and den_type >= num_type:
        return spec, spec.containing(den_type)
    if spec.type == den_type and num_type == den_type:
        return spec, spec
    return None, None


def _outliers(
    candidates: Sequence[Checkable], elements: dict[str, DataElement], r: Rules
) -> list[Finding]:
    """Compare each value with the desa's own earlier values of the same element."""
    if not candidates:
        return []
    regions = sorted({c.region for c in candidates})
    history: dict[tuple[str, str], list[tuple[str, int, float]]] = defaultdict(list)
    codes = {e.id: code for code, e in elements.items()}
    # Periods by id (a small table), so the history needs no join.
    periods = {
        pid: (code, first_month)
        for pid, code, first_month in Period.objects.values_list("id", "code", "first_month")
    }
    for start in range(0, len(regions), 500):
        rows = DataValue.objects.filter(
            region_id__in=regions[start : start + 500],
            element_id__in=list(codes),
        ).values_list("region_id", "element_id", "period_id", "value")
        for region, element_id, period_id, value in rows:
            code, first_month = periods[period_id]
            history[(region, codes[element_id])].append((code, first_month, value))
    findings: list[Finding] = []
    monthly_codes = {code for code, e in elements.items() if e.period_type == PeriodType.MONTH}
    specs: dict[str, PeriodSpec] = {}
    for c in candidates:
        past = history.get((c.region, c.element))
        # Too short a history whatever the period: no need to look closer (most values).
        if past is None or len(past) < r.outlier_min_history or c.element not in elements:
            continue
        if c.element in monthly_codes:
            spec = specs.get(c.period) or specs.setdefault(c.period, parse_period(c.period))
            values = [
                v
                for code, first_month, v in past
                if code < c.period and first_month == spec.first_month
            ]
        else:
            values = [v for code, _, v in past if code < c.period]
        if len(values) < r.outlier_min_history:
            continue
        if robust_outlier(c.value, values, threshold=r.outlier_threshold):
            findings.append(
                Finding(
                    c.key,
                    r.outlier_severity,
                    f"nilai {c.value:g} jauh dari riwayat desa ini (median "
                    f"{statistics.median(values):g}) / far from this desa's history",
                )
            )
    return findings
