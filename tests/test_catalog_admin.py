from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from analytics.models import IndicatorRollup
from catalog.admin import IndicatorAdmin
from catalog.models import Indicator, Sector
from datavalues.writing import ValueInput, save_values
from jobs import worker
from jobs.models import Job, JobStatus
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


def _saved_in_the_admin(indicator: Indicator) -> list[str]:
    """Save like the admin's add form; the messages shown to the administrator."""
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    IndicatorAdmin(Indicator, site).save_model(request, indicator, form=None, change=False)
    return [str(m) for m in get_messages(request)]


def test_a_local_indicator_added_in_the_admin_is_marked_local_and_gets_roll_ups_from_the_worker(
    catalogue,
):
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
    shown = _saved_in_the_admin(indicator)
    indicator.refresh_from_db()
    assert indicator.is_local
    # Not rebuilt inside the request: queued, and the administrator is told so.
    assert not IndicatorRollup.objects.filter(indicator=indicator).exists()
    assert any("akan dibangun ulang" in m for m in shown)
    job = Job.objects.get(status=JobStatus.READY)
    assert job.args == [["LOKAL_KEK"]]
    assert worker.run_next() is not None
    row = IndicatorRollup.objects.get(indicator=indicator, region_code="ID")
    assert (row.numerator, row.denominator, row.reporting) == (3, 30, 1)
    assert Job.objects.get(pk=job.pk).status == JobStatus.SUCCESSFUL


def test_the_admin_refuses_an_expression_with_an_unknown_element(catalogue):
    with pytest.raises(ValidationError) as info:
        _local(numerator="BUMIL_KEKX").full_clean()
    assert "BUMIL_KEKX" in str(info.value)
