from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from analytics.rollups import rebuild_rollups
from catalog.models import Indicator
from datavalues.models import DataValue, ValueChange
from regions.models import Level, Region


@pytest.fixture
def sleman(sleman_sample_data):
    """`seeddemo --years 2024-2025` has filled Sleman (once per test process, with
    `seeddemobudget`: tests/shared_data.py)."""


def test_it_fills_every_desa_of_sleman_marked_as_sample_data(sleman):
    desa = set(
        Region.objects.filter(code__startswith="34.04.", level=Level.DESA).values_list(
            "code", flat=True
        )
    )
    assert len(desa) == 86
    reported = set(DataValue.objects.values_list("region_id", flat=True).distinct())
    assert reported == desa
    assert set(DataValue.objects.values_list("source", flat=True).distinct()) == {"contoh"}
    assert set(ValueChange.objects.values_list("how", flat=True).distinct()) == {"contoh"}
    assert Indicator.objects.count() >= 45


def test_numerators_never_exceed_denominators(sleman):
    values = {
        (v.region_id, v.element.code, v.period.code): v.value
        for v in DataValue.objects.select_related("element", "period")
    }
    checked = 0
    for indicator in Indicator.objects.filter(factor=100).exclude(denominator=""):
        num, den = indicator.numerator, indicator.denominator
        if not (num.isidentifier() and den.isidentifier()):
            continue
        for (desa, element, period), value in values.items():
            if element == num and (desa, den, period) in values:
                assert value <= values[(desa, den, period)], (indicator.code, desa, period)
                checked += 1
    assert checked > 1000


def test_rates_improve_over_the_years_and_the_roll_ups_match_a_rebuild(sleman):
    from analytics.figures import Place, figure_for, indicators_with_targets
    from catalog.periods import parse_period

    k06 = indicators_with_targets(["K06"])[0]
    sleman = Place.of(Region.objects.get(code="34.04"))
    before = figure_for(k06, sleman, parse_period("2024"))
    after = figure_for(k06, sleman, parse_period("2025"))
    assert after.value is not None and before.value is not None and after.value > before.value
    assert 0 < after.reporting <= after.expected == 86
    assert rebuild_rollups().total_corrected == 0


def test_running_it_again_changes_nothing(sleman):
    count = ValueChange.objects.count()
    out = StringIO()
    call_command("seeddemo", "--years", "2024-2025", stdout=out)
    assert ValueChange.objects.count() == count
    assert "0 baru, 0 diubah" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["--years", "2025-2021"], "range"),
        (["--years", "dua"], "2021-2025"),
        (["--kabupaten", "99.99"], "loadregions"),
    ],
)
def test_bad_arguments_are_explained(db, args, text):
    with pytest.raises(CommandError, match=text):
        call_command("seeddemo", *args, stdout=StringIO())
