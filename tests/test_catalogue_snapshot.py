"""The catalogue held in memory: reused while unchanged, read again after any change."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from analytics.figures import indicators_with_targets
from analytics.snapshot import catalogue_snapshot
from catalog.models import CatalogueStamp, DataElement, Indicator, Sector, Target


def catalogue_queries() -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        catalogue_snapshot()
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.django_db
def test_an_unchanged_catalogue_is_read_from_memory_after_one_stamp_query(catalogue):
    catalogue_snapshot()
    queries = catalogue_queries()
    assert len(queries) == 1
    assert "cataloguestamp" in queries[0].lower()


@pytest.mark.django_db
def test_the_same_snapshot_object_serves_every_request_until_the_catalogue_changes(catalogue):
    first = catalogue_snapshot()
    assert catalogue_snapshot() is first
    Indicator.objects.get(code="K01").save()
    assert catalogue_snapshot() is not first


@pytest.mark.django_db
def test_a_renamed_indicator_is_seen_by_the_next_request(catalogue):
    assert indicators_with_targets(["K01"])[0].name_en != "Renamed"
    indicator = Indicator.objects.get(code="K01")
    indicator.name_en = "Renamed"
    indicator.save()
    assert indicators_with_targets(["K01"])[0].name_en == "Renamed"


@pytest.mark.django_db
def test_a_new_target_and_a_deleted_target_are_seen_by_the_next_request(catalogue):
    indicator = Indicator.objects.get(code="K01")
    before = len(indicators_with_targets(["K01"])[0].targets.all())
    target = Target.objects.create(
        indicator=indicator, value=55, legal_basis="Perbup uji", valid_from=2040
    )
    assert len(indicators_with_targets(["K01"])[0].targets.all()) == before + 1
    target.delete()
    assert len(indicators_with_targets(["K01"])[0].targets.all()) == before


@pytest.mark.django_db
def test_a_local_indicator_added_by_an_administrator_appears_in_the_catalogue(catalogue):
    assert "LOKAL1" not in catalogue_snapshot().by_code
    Indicator.objects.create(
        code="LOKAL1",
        name_id="Indikator lokal",
        name_en="Local indicator",
        sector=Sector.objects.get(code="kesehatan"),
        numerator=DataElement.objects.get(code="BUMIL_ANC").code,
        direction="higher",
    )
    snapshot = catalogue_snapshot()
    assert "LOKAL1" in snapshot.by_code
    assert "LOKAL1" in snapshot.catalogue.indicators


@pytest.mark.django_db
def test_a_change_rolled_back_leaves_no_trace_in_the_snapshot(catalogue):
    catalogue_snapshot()
    with pytest.raises(RuntimeError), transaction.atomic():
        Indicator.objects.filter(code="K01").update(name_en="Never committed")
        CatalogueStamp.bump()
        assert catalogue_snapshot().by_code["K01"].name_en == "Never committed"
        raise RuntimeError
    assert catalogue_snapshot().by_code["K01"].name_en != "Never committed"


@pytest.mark.django_db
def test_loading_the_catalogue_file_changes_the_stamp(catalogue):
    from catalog.loading import load_catalogue

    before = CatalogueStamp.objects.get().token
    load_catalogue()
    assert CatalogueStamp.objects.get().token != before


@pytest.mark.django_db
def test_without_a_stamp_row_the_catalogue_is_read_every_time(catalogue):
    CatalogueStamp.objects.all().delete()
    first = catalogue_snapshot()
    assert catalogue_snapshot() is not first
    assert first.token is None
