"""Validation rules declared in catalog/validation_rules.yaml, applied to a batch of values.

`save_values` already refuses what can never be right for one value (type, range, sign).
These rules look across values: numerator ≤ denominator, desa-only elements, outliers
against the desa's own history and outliers against the other villages of its kecamatan
(neighbours). Imports, the entry form and the API call `check_batch`
before `save_values`, so every path applies the same rules.
"""

from __future__ import annotations

import statistics
from bisect import bisect_left
from collections import ChainMap, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import yaml
from django.utils.translation import gettext as _

from catalog.models import DataElement, Period
from catalog.periods import PeriodSpec, PeriodType, parse_period
from datavalues.models import DataValue
from regions.models import Region

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
class NeighbourRules:
    """Outliers against the other villages of the kecamatan (always a warning)."""

    threshold: float = 5
    min_neighbours: int = 5
    min_spread: float = 0.05
    ratios: tuple[tuple[str, str], ...] = ()  # (numerator, denominator), pairs included
    values: frozenset[str] = frozenset()  # size-free elements compared as they are


@dataclass(frozen=True)
class Rules:
    desa_only: frozenset[str]
    pairs: tuple[Pair, ...]
    outlier_threshold: float
    outlier_min_history: int
    outlier_severity: str
    neighbours: NeighbourRules = NeighbourRules()


@cache
def rules() -> Rules:
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    outliers = data.get("outliers", {})
    neighbours = data.get("neighbours", {})
    pairs = [(p["numerator"], p["denominator"]) for p in data.get("pairs", [])]
    ratios = pairs + [(p["numerator"], p["denominator"]) for p in neighbours.get("ratios", [])]
    return Rules(
        desa_only=frozenset(data.get("desa_only", [])),
        pairs=tuple(
            Pair(p["numerator"], p["denominator"], p.get("severity", ERROR))
            for p in data.get("pairs", [])
        ),
        outlier_threshold=float(outliers.get("threshold", 5)),
        outlier_min_history=int(outliers.get("min_history", 4)),
        outlier_severity=outliers.get("severity", WARNING),
        neighbours=NeighbourRules(
            threshold=float(neighbours.get("threshold", 5)),
            min_neighbours=int(neighbours.get("min_neighbours", 5)),
            min_spread=float(neighbours.get("min_spread", 0.05)),
            ratios=tuple(dict.fromkeys(ratios)),
            values=frozenset(neighbours.get("values", [])),
        ),
    )


# A value within this share of the desa's previous value is never an outlier, whatever the
# spread of its history: a small change from last time is not a typo.
SMALL_CHANGE = 0.1


def robust_outlier(value: float, history: Sequence[float], *, threshold: float) -> bool:
    """True when `value` lies more than `threshold` robust deviations from what the desa's
    own history (oldest first) leads one to expect.

    The expectation follows the trend: a Theil–Sen line (the median of the pairwise slopes)
    through the history, extended one step, so a steadily growing population is not
    flagged for growing. Deviations are measured from that line; their MAD, scaled by
    1.4826, estimates a standard deviation. A value within SMALL_CHANGE of the last one is
    never flagged. A zero MAD (a history exactly on its line, e.g. flat) makes any other
    value an outlier only if it misses the expectation by more than half of it.
    """
    last = history[-1]
    if abs(value - last) <= max(abs(last) * SMALL_CHANGE, 1.0):
        return False
    n = len(history)
    slopes = [(history[j] - history[i]) / (j - i) for i in range(n) for j in range(i + 1, n)]
    slope = statistics.median(slopes) if slopes else 0.0
    intercept = statistics.median(h - slope * i for i, h in enumerate(history))
    expected = intercept + slope * n
    mad = statistics.median(abs(h - (intercept + slope * i)) for i, h in enumerate(history))
    mad *= 1.4826
    if mad == 0:
        return abs(value - expected) > max(abs(expected) * 0.5, 1.0)
    return abs(value - expected) > threshold * mad


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
    pair_elements = {p.numerator for p in r.pairs} | {p.denominator for p in r.pairs}
    involved = [c for c in candidates if c.element in pair_elements]
    # Only the pair rule looks values up by key, and only values of paired elements.
    batch = {(c.region, c.element, c.period): c.value for c in involved}
    by_key: Mapping[tuple[str, str, str], float] = ChainMap(batch, context) if context else batch
    elements = {
        e.code: e for e in DataElement.objects.filter(code__in={c.element for c in candidates})
    }
    if involved:
        findings += _pairs(involved, by_key, elements, r)
    if outliers:
        if outlier_keys is not None:
            candidates = [c for c in candidates if c.key in outlier_keys]
        findings += _outliers(candidates, elements, r)
        findings += neighbour_outliers(candidates, r.neighbours)
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
        ).plain_rows("region_id", "element__code", "period__code", "value"):
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
    # The pairs of each element, in the order of the rules, with both elements known.
    pairs_of: dict[str, list[tuple[int, Pair]]] = defaultdict(list)
    for number, pair in enumerate(r.pairs):
        if pair.numerator in all_elements and pair.denominator in all_elements:
            pairs_of[pair.numerator].append((number, pair))
            if pair.denominator != pair.numerator:
                pairs_of[pair.denominator].append((number, pair))
    # (pair number, period code) → the (numerator, denominator) period codes, or None.
    aligned: dict[tuple[int, str], tuple[str, str] | None] = {}
    wanted: list[tuple[Pair, Checkable, tuple[str, str, str], tuple[str, str, str]]] = []
    for candidate in involved:
        for number, pair in pairs_of.get(candidate.element, ()):
            codes = aligned.get((number, candidate.period), _UNSEEN)
            if codes is _UNSEEN:
                num_spec, den_spec = _aligned(
                    parse_period(candidate.period),
                    all_elements[pair.numerator].period_type_enum,
                    all_elements[pair.denominator].period_type_enum,
                )
                codes = aligned[(number, candidate.period)] = (
                    None if num_spec is None or den_spec is None else (num_spec.code, den_spec.code)
                )
            if codes is None:
                continue
            num_key = (candidate.region, pair.numerator, codes[0])
            den_key = (candidate.region, pair.denominator, codes[1])
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
                _("%(num)s (%(num_value)s) melebihi %(den)s (%(den_value)s)")
                % {
                    "num": pair.numerator,
                    "num_value": f"{num:g}",
                    "den": pair.denominator,
                    "den_value": f"{den:g}",
                },
            )
        )
    return findings


_UNSEEN: Any = object()


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
    """Compare each value with the desa's own earlier values of the same element (of the
    same month of the year for monthly data)."""
    if not candidates:
        return []
    regions = sorted({c.region for c in candidates})
    ids = {code: e.id for code, e in elements.items()}
    # Periods (a small table) by their place in code order, so the values need no join
    # and "earlier" is an integer comparison.
    codes: list[str] = []
    place: dict[int, tuple[int, int]] = {}  # period id → (place in code order, first month)
    # (Sorted here: a database collation may order "2024-01" and "2024" otherwise.)
    for number, (code, pid, first_month) in enumerate(
        sorted(Period.objects.values_list("code", "id", "first_month"))
    ):
        codes.append(code)
        place[pid] = (number, first_month)
    monthly = {e.id for e in elements.values() if e.period_type == PeriodType.MONTH}
    # (region, element id, month of a monthly element or 0) → [(place, value)].
    stored: dict[tuple[str, int, int], list[tuple[int, float]]] = defaultdict(list)
    for start in range(0, len(regions), 500):
        for region, element_id, period_id, value in DataValue.objects.filter(
            region_id__in=regions[start : start + 500], element_id__in=list(ids.values())
        ).plain_rows("region_id", "element_id", "period_id", "value"):
            at, first_month = place[period_id]
            month = first_month if element_id in monthly else 0
            stored[(region, element_id, month)].append((at, value))
    specs: dict[str, PeriodSpec] = {}
    findings: list[Finding] = []
    for c in candidates:
        element_id = ids.get(c.element)
        if element_id is None:
            continue
        month = 0
        if element_id in monthly:
            spec = specs.get(c.period) or specs.setdefault(c.period, parse_period(c.period))
            month = spec.first_month
        past = stored.get((c.region, element_id, month))
        # Too short a history whatever the period: no need to look closer (most values).
        if past is None or len(past) < r.outlier_min_history:
            continue
        before = bisect_left(codes, c.period)  # periods placed before it are earlier
        values = [v for at, v in sorted(past) if at < before]  # oldest first
        if len(values) < r.outlier_min_history:
            continue
        if robust_outlier(c.value, values, threshold=r.outlier_threshold):
            findings.append(
                Finding(
                    c.key,
                    r.outlier_severity,
                    _("nilai %(value)s jauh dari riwayat desa ini (median %(median)s)")
                    % {"value": f"{c.value:g}", "median": f"{statistics.median(values):g}"},
                )
            )
    return findings


# --- Outliers against the neighbours (the other villages of the same kecamatan) ---------

_KECAMATAN_CHUNK = 100  # kecamatan per query of stored values

Key = tuple[str, str, str]  # (region, element, period code)


class _Measure(NamedTuple):  # a tuple: hashed a million times in a big file
    """A size-free figure of one village: numerator / denominator, or one element as is."""

    numerator: str
    denominator: str | None
    period: str  # of the numerator (or of the element)
    denominator_period: str | None

    def of(self, region: str, known: dict[Key, float]) -> float | None:
        value = known.get((region, self.numerator, self.period))
        if value is None or self.denominator is None or self.denominator_period is None:
            return value
        base = known.get((region, self.denominator, self.denominator_period))
        if not base:  # missing or zero: no ratio
            return None
        return value / base

    def label(self) -> str:
        return (
            self.numerator if self.denominator is None else f"{self.numerator}/{self.denominator}"
        )


def _fmt(x: float) -> str:
    return f"{x:.0f}" if abs(x) >= 10_000 else f"{x:.4g}"


def kecamatan_of(region: str) -> str:
    """`34.04.01.2001` → `34.04.01` (Kemendagri codes are fixed width)."""
    return region.rsplit(".", 1)[0]


def neighbour_verdict(
    value: float, neighbours: Sequence[float], rules: NeighbourRules
) -> float | None:
    """The neighbours' median when `value` is far out of line with them, else None.

    Far: more than `threshold` × max(1.4826·MAD, `min_spread` × |median|) from the median.
    Fewer than `min_neighbours` values, or no spread at all around a zero median: None.
    """
    if len(neighbours) < rules.min_neighbours:
        return None
    median = statistics.median(neighbours)
    mad = statistics.median(abs(v - median) for v in neighbours) * 1.4826
    scale = max(mad, rules.min_spread * abs(median))
    if scale == 0:
        return None
    return median if abs(value - median) > rules.threshold * scale else None


def neighbour_outliers(candidates: Sequence[Checkable], rules: NeighbourRules) -> list[Finding]:
    """Warn on values far out of line with the other villages of the same kecamatan.

    What is compared is size-free (`rules.ratios`, `rules.values`). The neighbours' figures
    come from the stored values and the other values of the batch (the batch wins). Cost: one
    query for the element types, then one per `_KECAMATAN_CHUNK` kecamatan, whatever the
    number of rows; the figures are computed once per kecamatan, measure and period.
    """
    measured = set(rules.values) | {code for pair in rules.ratios for code in pair}
    wanted = [c for c in candidates if c.element in measured]
    if not wanted:
        return []
    types = {
        code: PeriodType(ptype)
        for code, ptype in DataElement.objects.filter(code__in=measured).values_list(
            "code", "period_type"
        )
    }
    ratios_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for numerator, denominator in rules.ratios:
        if numerator in types and denominator in types:
            ratios_of[numerator].append((numerator, denominator))
            if denominator != numerator:
                ratios_of[denominator].append((numerator, denominator))
    # Per (element, period): the measures a value takes part in, and whether as denominator.
    measures: dict[tuple[str, str], list[tuple[_Measure, bool]]] = {}
    # One subject per (village, measure): reported on the numerator's row when the numerator
    # is in the batch, else on the denominator's.
    subjects: dict[str, dict[tuple[str, _Measure], Checkable]] = defaultdict(dict)
    batch: dict[str, dict[Key, float]] = defaultdict(dict)  # per kecamatan
    for c in wanted:
        kecamatan = kecamatan_of(c.region)
        batch[kecamatan][(c.region, c.element, c.period)] = c.value
        found = measures.get((c.element, c.period))
        if found is None:
            found = measures[(c.element, c.period)] = _measures(
                c.element, c.period, ratios_of, types, rules
            )
        own = subjects[kecamatan]
        for measure, as_denominator in found:
            key = (c.region, measure)
            if not (as_denominator and key in own):
                own[key] = c
    findings: list[Finding] = []
    kecamatans = sorted(subjects)
    for start in range(0, len(kecamatans), _KECAMATAN_CHUNK):
        chunk = kecamatans[start : start + _KECAMATAN_CHUNK]
        stored = _stored_in_kecamatans(chunk, [m for k in chunk for _r, m in subjects[k]])
        for kecamatan in chunk:
            known = stored.get(kecamatan, {})
            known.update(batch[kecamatan])
            findings += _judge_kecamatan(subjects[kecamatan], known, rules)
    return findings


def _measures(
    element: str,
    period: str,
    ratios_of: dict[str, list[tuple[str, str]]],
    types: dict[str, PeriodType],
    rules: NeighbourRules,
) -> list[tuple[_Measure, bool]]:
    found: list[tuple[_Measure, bool]] = []
    if element in rules.values:
        found.append((_Measure(element, None, period, None), False))
    spec = parse_period(period)
    for numerator, denominator in ratios_of.get(element, []):
        num_spec, den_spec = _aligned(spec, types[numerator], types[denominator])
        if num_spec is not None and den_spec is not None:
            measure = _Measure(numerator, denominator, num_spec.code, den_spec.code)
            found.append((measure, element == denominator))
    return found


def _stored_in_kecamatans(
    kecamatans: Sequence[str], measures: Sequence[_Measure]
) -> dict[str, dict[Key, float]]:
    """Stored values of every village of these kecamatan for the measures' elements."""
    elements = {m.numerator for m in measures} | {m.denominator for m in measures if m.denominator}
    periods = {m.period for m in measures} | {
        m.denominator_period for m in measures if m.denominator_period
    }
    # The desa as the kecamatan's children: lookups on the values' (region, element, period)
    # key. A prefix match on the code has no index to use on PostgreSQL (2.8 s per query on
    # the national data).
    desa = Region.objects.filter(parent_id__in=list(kecamatans)).values("code")
    found: dict[str, dict[Key, float]] = defaultdict(dict)
    for region, element, period, value in DataValue.objects.filter(
        region_id__in=desa, element__code__in=elements, period__code__in=periods
    ).plain_rows("region_id", "element__code", "period__code", "value"):
        found[kecamatan_of(region)][(region, element, period)] = value
    return found


def _judge_kecamatan(
    subjects: dict[tuple[str, _Measure], Checkable], known: dict[Key, float], rules: NeighbourRules
) -> list[Finding]:
    villages = sorted({key[0] for key in known})
    figures: dict[_Measure, dict[str, float]] = {}
    verdicts: dict[tuple[_Measure, float, int], float | None] = {}
    findings: list[Finding] = []
    for (region, measure), candidate in subjects.items():
        if measure not in figures:
            figures[measure] = {v: x for v in villages if (x := measure.of(v, known)) is not None}
        figure = figures[measure]
        own = figure.get(region)
        if own is None:
            continue
        others = [x for v, x in figure.items() if v != region]
        # Villages with the same figure get the same verdict: computed once.
        cache_key = (measure, own, len(others))
        if cache_key not in verdicts:
            verdicts[cache_key] = neighbour_verdict(own, others, rules)
        median = verdicts[cache_key]
        if median is None:
            continue
        shown = f"{measure.label()} {_fmt(own)}" if measure.denominator is not None else _fmt(own)
        findings.append(
            Finding(
                candidate.key,
                WARNING,
                _(
                    "nilai %(value)s (%(shown)s) jauh berbeda dibanding desa tetangga "
                    "(median %(median)s dari %(n)d desa/kelurahan)"
                )
                % {
                    "value": f"{candidate.value:g}",
                    "shown": shown,
                    "median": _fmt(median),
                    "n": len(others),
                },
            )
        )
    return findings
