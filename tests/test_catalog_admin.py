from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from analytics.models import IndicatorRollup
from catalog.admin import IndicatorAdmin
from catalog.models import Indicator, Sector
from datavalues.writing import ValueInput, save_values
from tests.analytics_fixtures import make_regions


def _local(numerator: str = "BUMIL_KEK", denominator: str = "BUMIL_SASARAN") -> Indicator:
    return Indicator(
        code="LOKAL_KEK",
        name_id="Ibu hamil KEK",
        name_en="Undernourished pregnant women",
        sector=Sector.objects.get(code="gizi"),
        numerator=numerator,
        denominator=denominator,
        direction="lower",
    )


def test_a_local_indicator_added_in_the_admin_is_marked_local_and_gets_roll_ups(catalogue):
    desa = make_regions([[1]])
    save_values(
        values=[
            ValueInput(desa[0], "BUMIL_KEK", "2025", 3),
            ValueInput(desa[0], "BUMIL_SASARAN", "2025", 30),
        ],
        how="form",
    )
    indicator = _local()
    indicator.full_clean()
    admin = IndicatorAdmin(Indicator, site)
    admin.save_model(RequestFactory().post("/"), indicator, form=None, change=False)
    indicator.refresh_from_db()
    assert indicator.is_local
    row = IndicatorRollup.objects.get(indicator=indicator, region_code="ID")
    assert (row.numerator, row.denominator, row.reporting) == (3, 30, 1)


def test_the_admin_refuses_an_expression_with_an_unknown_element(catalogue):
    with pytest.raises(ValidationError) as info:
        _local(numerator="BUMIL_KEKX").full_clean()
    assert "BUMIL_KEKX" in str(info.value)
