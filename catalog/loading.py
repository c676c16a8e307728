"""Loading catalog/catalogue.yaml into the database: validate everything, then write once.

A catalogue with any error writes nothing and reports every error it found (with the
entry's code), so a typo in the file can never leave half a catalogue behind.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from catalog.expressions import BadExpression, parse_expression
from catalog.models import (
    MAX_VALUE_LIMIT,
    Aggregation,
    CatalogueLoad,
    CatalogueStamp,
    DataElement,
    Direction,
    Indicator,
    Reporters,
    Sector,
    Target,
    TimeRule,
    ValueType,
)
from catalog.periods import BadPeriod, PeriodType
from config.language import both_languages

CATALOGUE_PATH = Path(__file__).resolve().parent / "catalogue.yaml"
SECTOR_CODES = ("kesehatan", "gizi", "pendidikan", "air_sanitasi", "sosial", "adminduk")
# Every indicator of the file has a target in force in this year or says why it has none.
TARGETS_REQUIRED_FROM = 2025


class CatalogueError(ValueError):
    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class CatalogueSummary:
    version: str
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    changed_indicators: list[str] = field(default_factory=list)


_ELEMENT_FIELDS = ("name_id", "name_en", "unit", "value_type", "aggregation", "sources")
_INDICATOR_FIELDS = (
    "name_id",
    "name_en",
    "numerator",
    "denominator",
    "factor",
    "unit",
    "direction",
)


def _period_type(raw: object, where: str, errors: list[str]) -> int:
    try:
        return int(PeriodType.from_slug(str(raw)))
    except BadPeriod as exc:
        errors.append(f"{where}: {exc}")
        return int(PeriodType.YEAR)


def parse_catalogue(text: str) -> dict[str, Any]:
    """The catalogue as plain rows for the models, or CatalogueError listing every problem."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogueError(
            [f"Berkas katalog bukan YAML yang sah / not valid YAML: {exc}"]
        ) from None
    if not isinstance(doc, dict):
        raise CatalogueError(["Katalog harus berupa mapping YAML / must be a YAML mapping."])
    errors: list[str] = []
    version = str(doc.get("version") or "")
    if not version:
        errors.append("Katalog tanpa 'version'. / The catalogue has no 'version'.")

    sectors = {}
    for row in doc.get("sectors") or []:
        sectors[row["code"]] = {
            "name_id": row["name_id"],
            "name_en": row["name_en"],
            "order": int(row.get("order", 0)),
        }
    for code in SECTOR_CODES:
        if code not in sectors:
            errors.append(f"Sektor wajib {code!r} tidak ada. / Required sector {code!r} missing.")

    element_defaults = doc.get("element_defaults") or {}
    elements: dict[str, dict[str, Any]] = {}
    for raw in doc.get("data_elements") or []:
        row = {**element_defaults, **raw}
        code = str(row.get("code", ""))
        where = f"elemen data {code or '?'}"
        if not code or code in elements:
            errors.append(f"{where}: kode kosong atau ganda / empty or duplicate code.")
            continue
        if row.get("sector") not in sectors:
            errors.append(f"{where}: sektor {row.get('sector')!r} tidak dikenal / unknown sector.")
        if row.get("value_type") not in ValueType.values:
            errors.append(f"{where}: value_type {row.get('value_type')!r} tidak dikenal.")
        if row.get("aggregation") not in Aggregation.values:
            errors.append(f"{where}: aggregation {row.get('aggregation')!r} tidak dikenal.")
        max_value = row.get("max_value")
        if max_value is not None and (
            isinstance(max_value, bool)
            or not isinstance(max_value, int | float)
            or not 0 < max_value <= MAX_VALUE_LIMIT
        ):
            errors.append(
                f"{where}: max_value harus bilangan > 0 dan ≤ {MAX_VALUE_LIMIT:g} / "
                f"must be a number above 0, at most {MAX_VALUE_LIMIT:g}."
            )
            max_value = None
        elements[code] = {
            **{key: row.get(key, "") for key in _ELEMENT_FIELDS},
            "sector": row.get("sector"),
            "period_type": _period_type(row.get("period_type"), where, errors),
            "max_value": float(max_value) if max_value is not None else None,
        }

    indicator_defaults = doc.get("indicator_defaults") or {}
    indicators: dict[str, dict[str, Any]] = {}
    for order, raw in enumerate(doc.get("indicators") or [], start=1):
        row = {**indicator_defaults, **raw}
        code = str(row.get("code", ""))
        where = f"indikator {code or '?'}"
        if not code or code in indicators:
            errors.append(f"{where}: kode kosong atau ganda / empty or duplicate code.")
            continue
        if row.get("sector") not in sectors:
            errors.append(f"{where}: sektor {row.get('sector')!r} tidak dikenal / unknown sector.")
        if row.get("direction") not in Direction.values:
            errors.append(f"{where}: direction harus higher/lower / must be higher or lower.")
        numerator = str(row.get("numerator") or "")
        denominator = str(row.get("denominator") or "")
        for label, text in (("pembilang/numerator", numerator), ("penyebut", denominator)):
            if label == "penyebut" and not text:
                continue
            try:
                parse_expression(text, elements)
            except BadExpression as exc:
                errors.append(f"{where} ({label}): {both_languages(exc)}")
        try:
            factor = float(row.get("factor", 100))
        except (TypeError, ValueError):
            factor = 0.0
        if factor == 0:
            errors.append(f"{where}: faktor harus bilangan bukan nol / factor must be non-zero.")
        targets = []
        for target in row.get("targets") or []:
            try:
                value = float(target["value"])
                valid_from = int(target["from"])
                valid_to = int(target["to"]) if target.get("to") is not None else None
                basis = str(target["basis"])
                verified = bool(target.get("verified", True))
                source = str(target.get("source") or "")
            except (KeyError, TypeError, ValueError):
                errors.append(
                    f"{where}: target perlu value, basis, from / needs value, basis, from."
                )
                continue
            if valid_to is not None and valid_to < valid_from:
                errors.append(f"{where}: target berakhir sebelum mulai / ends before it starts.")
            if source and not source.startswith(("https://", "http://")):
                errors.append(
                    f"{where}: sumber target harus URL / a target's source must be a URL."
                )
            targets.append((value, basis, valid_from, valid_to, verified, source))
        time_rule = str(row.get("time_rule") or TimeRule.LEVEL)
        if time_rule not in TimeRule.values:
            errors.append(
                f"{where}: time_rule harus level/cumulative/same_month / "
                "must be level, cumulative or same_month."
            )
        reporters = str(row.get("reporters") or Reporters.BOTH)
        if reporters not in Reporters.values:
            errors.append(
                f"{where}: reporters harus both/desa/kelurahan / must be both, desa or kelurahan."
            )
        no_target = str(row.get("no_target") or "")
        in_force = any(
            f <= TARGETS_REQUIRED_FROM and (t is None or t >= TARGETS_REQUIRED_FROM)
            for _, _, f, t, _, _ in targets
        )
        if not in_force and not no_target:
            errors.append(
                f"{where}: tanpa target berlaku {TARGETS_REQUIRED_FROM} dan tanpa alasan "
                f"'no_target' / no target in force in {TARGETS_REQUIRED_FROM} and no reason why."
            )
        indicators[code] = {
            **{key: row.get(key, "") for key in _INDICATOR_FIELDS},
            "numerator": numerator,
            "denominator": denominator,
            "factor": factor,
            "decimals": int(row.get("decimals", 1)),
            "on_track_band": float(row.get("on_track_band", 10)),
            "description": str(row.get("description", "")),
            "description_en": str(row.get("description_en", "")),
            "no_target_reason": no_target,
            "time_rule": time_rule,
            "reporters": reporters,
            "sector": row.get("sector"),
            "period_type": _period_type(row.get("period_type"), where, errors),
            "order": order,
            "targets": sorted(targets),
        }
    if errors:
        raise CatalogueError(errors)
    return {"version": version, "sectors": sectors, "elements": elements, "indicators": indicators}


def _count(bucket: dict[str, int], key: str) -> None:
    bucket[key] = bucket.get(key, 0) + 1


def load_catalogue(*, path: Path = CATALOGUE_PATH) -> CatalogueSummary:
    """Create or update the catalogue from `path` in one transaction; idempotent."""
    text = path.read_text(encoding="utf-8")
    parsed = parse_catalogue(text)
    summary = CatalogueSummary(version=parsed["version"])
    with transaction.atomic():
        sectors: dict[str, Sector] = {}
        for code, values in parsed["sectors"].items():
            sectors[code] = _upsert(Sector, code, values, summary, "sectors")
        for code, values in parsed["elements"].items():
            sector = sectors[values.pop("sector")]
            values = {**values, "sector_id": sector.pk, "is_local": False}
            _upsert(DataElement, code, values, summary, "data_elements")
        for code, values in parsed["indicators"].items():
            targets = values.pop("targets")
            sector = sectors[values.pop("sector")]
            values = {**values, "sector_id": sector.pk, "is_local": False}
            before = summary.updated.get("indicators", 0) + summary.created.get("indicators", 0)
            indicator = _upsert(Indicator, code, values, summary, "indicators")
            after = summary.updated.get("indicators", 0) + summary.created.get("indicators", 0)
            current = sorted(
                (t.value, t.legal_basis, t.valid_from, t.valid_to, t.verified, t.source_url)
                for t in indicator.targets.all()
            )
            if current != targets:
                indicator.targets.all().delete()
                Target.objects.bulk_create(
                    Target(
                        indicator=indicator,
                        value=v,
                        legal_basis=b,
                        valid_from=f,
                        valid_to=t,
                        verified=ok,
                        source_url=url,
                    )
                    for v, b, f, t, ok, url in targets
                )
                _count(summary.updated, "targets")
            if after != before:
                summary.changed_indicators.append(code)
        CatalogueLoad.objects.create(
            version=parsed["version"], sha256=hashlib.sha256(text.encode()).hexdigest()
        )
        CatalogueStamp.bump()  # the targets were bulk-written: no signal for them
    return summary


def _upsert(
    model: type[Sector] | type[DataElement] | type[Indicator],
    code: str,
    values: dict[str, Any],
    summary: CatalogueSummary,
    label: str,
) -> Any:
    obj = model.objects.filter(code=code).first()
    if obj is None:
        obj = model.objects.create(code=code, **values)
        _count(summary.created, label)
        return obj
    changed = [key for key, value in values.items() if getattr(obj, key) != value]
    if changed:
        for key in changed:
            setattr(obj, key, values[key])
        obj.save(update_fields=changed)
        _count(summary.updated, label)
    else:
        _count(summary.unchanged, label)
    return obj
