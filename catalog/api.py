"""The catalogue as JSON, so that other systems can read what each figure means."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Router, Schema

from catalog.models import DataElement, Indicator, Target
from catalog.periods import PeriodType

router = Router(tags=["katalog"])


class TargetOut(Schema):
    value: float
    legal_basis: str
    valid_from: int
    valid_to: int | None
    verified: bool
    source_url: str


class IndicatorOut(Schema):
    code: str
    name_id: str
    name_en: str
    sector: str
    numerator: str
    denominator: str | None
    factor: float
    unit: str
    direction: str
    period_type: str
    decimals: int
    on_track_band: float
    description: str
    description_en: str
    targets: list[TargetOut]
    no_target_reason: str
    time_rule: str
    reporters: str
    is_local: bool


class DataElementOut(Schema):
    code: str
    name_id: str
    name_en: str
    sector: str
    unit: str
    value_type: str
    aggregation: str
    period_type: str
    sources: str


@router.get("/indicators", response=list[IndicatorOut], summary="Daftar indikator")
def indicator_list(request: HttpRequest, sector: str = "") -> list[IndicatorOut]:
    rows = Indicator.objects.select_related("sector").prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("valid_from"))
    )
    if sector:
        rows = rows.filter(sector__code=sector)
    return [
        IndicatorOut(
            code=i.code,
            name_id=i.name_id,
            name_en=i.name_en,
            sector=i.sector.code,
            numerator=i.numerator,
            denominator=i.denominator or None,
            factor=i.factor,
            unit=i.unit,
            direction=i.direction,
            period_type=PeriodType(i.period_type).slug,
            decimals=i.decimals,
            on_track_band=i.on_track_band,
            description=i.description,
            description_en=i.description_en,
            targets=[
                TargetOut(
                    value=t.value,
                    legal_basis=t.legal_basis,
                    valid_from=t.valid_from,
                    valid_to=t.valid_to,
                    verified=t.verified,
                    source_url=t.source_url,
                )
                for t in i.targets.all()
            ],
            no_target_reason=i.no_target_reason,
            time_rule=i.time_rule,
            reporters=i.reporters,
            is_local=i.is_local,
        )
        for i in rows
    ]


@router.get("/dataelements", response=list[DataElementOut], summary="Daftar elemen data")
def data_element_list(request: HttpRequest, sector: str = "") -> list[DataElementOut]:
    rows = DataElement.objects.select_related("sector")
    if sector:
        rows = rows.filter(sector__code=sector)
    return [
        DataElementOut(
            code=e.code,
            name_id=e.name_id,
            name_en=e.name_en,
            sector=e.sector.code,
            unit=e.unit,
            value_type=e.value_type,
            aggregation=e.aggregation,
            period_type=PeriodType(e.period_type).slug,
            sources=e.sources,
        )
        for e in rows
    ]
