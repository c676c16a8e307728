from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from analytics.models import ElementRollup, IndicatorRollup
from datavalues.models import DataValue, ValueChange
from datavalues.writing import ValueInput, ValuesRejected, save_values
from tests.analytics_fixtures import make_regions


@pytest.fixture
def desa(catalogue):
    return make_regions([[2, 1]])


def test_a_new_value_gets_one_history_row_with_who_and_how(desa):
    user = get_user_model().objects.create_user("operator", password="x" * 12)
    result = save_values(
        values=[ValueInput(desa[0], "BUMIL_ANC", "2025", 40, source="PWS-KIA")], by=user, how="form"
    )
    assert result.created == 1
    value = DataValue.objects.get()
    assert (value.value, value.source, value.updated_by) == (40, "PWS-KIA", user)
    change = value.history().get()
    assert (change.old_value, change.new_value, change.how, change.changed_by) == (
        None,
        40,
        "form",
        user,
    )


def test_every_update_and_delete_is_appended_to_the_history(desa):
    key = (desa[0], "BUMIL_ANC", "2025")
    save_values(values=[ValueInput(*key, 40)], how="file")
    save_values(values=[ValueInput(*key, 45)], how="api")
    result = save_values(values=[ValueInput(*key, None)], how="form")
    assert result.deleted == 1 and not DataValue.objects.exists()
    rows = list(ValueChange.objects.order_by("id").values_list("old_value", "new_value", "how"))
    assert rows == [(None, 40, "file"), (40, 45, "api"), (45, None, "form")]


def test_saving_the_same_value_again_changes_nothing(desa):
    save_values(values=[ValueInput(desa[0], "BUMIL_ANC", "2025", 40)], how="file")
    result = save_values(values=[ValueInput(desa[0], "BUMIL_ANC", "2025", 40)], how="file")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert ValueChange.objects.count() == 1


def test_a_saved_value_is_in_the_national_roll_up_in_the_same_transaction(desa):
    from django.db import transaction

    with transaction.atomic():
        save_values(
            values=[
                ValueInput(desa[0], "BUMIL_ANC", "2025", 40),
                ValueInput(desa[0], "BUMIL_SASARAN", "2025", 50),
            ],
            how="form",
        )
        national = IndicatorRollup.objects.get(region_code="ID", indicator__code="K01")
        assert (national.numerator, national.denominator, national.reporting) == (40, 50, 1)
        assert ElementRollup.objects.get(region_code="91", element__code="BUMIL_ANC").total == 40


@pytest.mark.parametrize(
    ("row", "field", "text"),
    [
        (("91.01.01.2001", "TIDAK_ADA", "2025", 1), "element", "tidak dikenal"),
        (("91.01.01", "BUMIL_ANC", "2025", 1), "region", "bukan kode desa"),
        (("91.01.01.2001", "BUMIL_ANC", "2025Q9", 1), "period", "tidak dikenali"),
        (("91.01.01.2001", "BUMIL_ANC", "2025-03", 1), "period", "per tahun"),
        (("91.01.01.2001", "BUMIL_ANC", "2025", -1), "value", "negatif"),
        (("91.01.01.2001", "BUMIL_ANC", "2025", 1.5), "value", "bulat"),
        (("91.01.01.2001", "PAUD_ADA", "2025", 2), "value", "0 (tidak) atau 1"),
        (("91.01.01.2001", "IDM_SKOR", "2025", 1.2), "value", "melebihi batas"),
        (("91.01.01.2001", "BUMIL_ANC", "2025", float("nan")), "value", "bukan bilangan"),
    ],
)
def test_a_bad_row_rejects_the_whole_batch_with_a_reason(desa, row, field, text):
    good = ValueInput(desa[1], "BUMIL_ANC", "2025", 10)
    with pytest.raises(ValuesRejected) as info:
        save_values(values=[good, ValueInput(*row)], how="file")
    error = info.value.errors[0]
    assert (error.row, error.field) == (2, field) and text in error.message
    assert not DataValue.objects.exists() and not ValueChange.objects.exists()
    assert not ElementRollup.objects.exists()


def test_a_duplicate_key_in_one_batch_is_refused(desa):
    with pytest.raises(ValuesRejected, match="ganda"):
        save_values(
            values=[
                ValueInput(desa[0], "BUMIL_ANC", "2025", 1),
                ValueInput(desa[0], "BUMIL_ANC", "2025", 2),
            ],
            how="file",
        )


def test_chunked_saves_write_history_per_change_skip_unchanged_values_and_keep_rollups(desa):
    from analytics.rollups import rebuild_rollups
    from datavalues.writing import save_value_chunks

    user = get_user_model().objects.create_user("operator", password="x" * 12)
    save_values(values=[ValueInput(desa[0], "BUMIL_SASARAN", "2025", 50)], how="form")
    result = save_value_chunks(
        chunks=[
            [ValueInput(desa[0], "BUMIL_SASARAN", "2025", 50)],  # unchanged
            [ValueInput(desa[0], "BUMIL_SASARAN", "2025", 60, "e-PPGBM")],  # changed
            [
                ValueInput(desa[1], "BUMIL_ANC", "2025", 40),
                ValueInput(desa[1], "BUMIL_SASARAN", "2025", 45),
            ],
        ],
        by=user,
    )
    assert (result.created, result.updated, result.unchanged) == (2, 1, 1)
    rows = sorted(
        ValueChange.objects.filter(how="file").values_list(
            "region", "old_value", "new_value", "changed_by", "source"
        )
    )
    assert rows == [
        (desa[0], 50, 60, user.pk, "e-PPGBM"),
        (desa[1], None, 40, user.pk, ""),
        (desa[1], None, 45, user.pk, ""),
    ]
    assert DataValue.objects.get(region=desa[0]).value == 60
    assert rebuild_rollups().total_corrected == 0


def test_a_bad_value_in_the_last_chunk_leaves_nothing_of_the_first_chunks(desa):
    from datavalues.writing import save_value_chunks

    save_values(values=[ValueInput(desa[0], "BUMIL_SASARAN", "2025", 50)], how="form")
    before = (
        list(DataValue.objects.values_list("id", "value")),
        ValueChange.objects.count(),
        list(ElementRollup.objects.values_list("id", "total", "reporting")),
        IndicatorRollup.objects.count(),
    )
    with pytest.raises(ValuesRejected) as refused:
        save_value_chunks(
            chunks=[
                [ValueInput(desa[0], "BUMIL_SASARAN", "2025", 70)],
                [ValueInput(desa[1], "BUMIL_SASARAN", "2025", 70)],
                [ValueInput("99.99.99.9999", "BUMIL_SASARAN", "2025", 1)],
            ]
        )
    assert refused.value.errors[0].row == 3
    after = (
        list(DataValue.objects.values_list("id", "value")),
        ValueChange.objects.count(),
        list(ElementRollup.objects.values_list("id", "total", "reporting")),
        IndicatorRollup.objects.count(),
    )
    assert after == before


def test_planned_rows_are_written_without_validation_while_the_catalogue_is_unchanged(desa):
    from catalog.models import DataElement
    from datavalues.writing import catalogue_state, save_value_chunks

    checked = catalogue_state()
    result = save_value_chunks(
        chunks=[[ValueInput(desa[0], "BUMIL_SASARAN", "2025", 70, "", 2)]], checked=checked
    )
    assert result.created == 1
    # The catalogue changed since the plan: every row is validated again and refused.
    DataElement.objects.filter(code="BUMIL_SASARAN").update(max_value=10)
    with pytest.raises(ValuesRejected, match="melebihi batas 10") as refused:
        save_value_chunks(
            chunks=[[ValueInput(desa[1], "BUMIL_SASARAN", "2025", 70, "", 2)]], checked=checked
        )
    assert refused.value.errors[0].row == 2
    assert list(DataValue.objects.values_list("region", "value")) == [(desa[0], 70)]


def test_a_planned_row_whose_desa_is_gone_since_the_plan_is_refused_naming_its_row(desa):
    from datavalues.writing import catalogue_state, save_value_chunks

    with pytest.raises(ValuesRejected, match="bukan kode desa/kelurahan") as refused:
        save_value_chunks(
            chunks=[
                [
                    ValueInput(desa[0], "BUMIL_SASARAN", "2025", 70, "", 2),
                    ValueInput("99.99.99.9999", "BUMIL_SASARAN", "2025", 70, "", 3),
                ]
            ],
            checked=catalogue_state(),
        )
    assert [e.row for e in refused.value.errors] == [3]
    assert not DataValue.objects.exists() and not ValueChange.objects.exists()


def test_on_postgresql_a_planned_file_checks_each_reference_once_and_turns_triggers_back_on(
    desa, monkeypatch
):
    from django.db import IntegrityError, connection

    from datavalues import bulk, key_checks, writing
    from intake.models import Upload

    if connection.vendor != "postgresql":
        pytest.skip("foreign-key triggers are PostgreSQL's")
    shared: list[tuple[str, set[int]]] = []
    share = bulk._share_keys

    def recording(table: str, ids: set[int]) -> None:
        shared.append((table, ids))
        share(table, ids)

    monkeypatch.setattr(key_checks, "_share_keys", recording)
    upload = Upload.objects.create(file_name="a.csv", sha256="0" * 64, size=1, content=b"")
    writing.save_value_chunks(
        chunks=[
            [
                ValueInput(desa[0], "BUMIL_SASARAN", "2025", 70),
                ValueInput(desa[1], "BUMIL_ANC", "2025", 7),
            ]
        ],
        upload=upload,
        checked=writing.catalogue_state(),
    )
    assert [t for t, _ids in shared] == ["catalog_dataelement", "intake_upload", "catalog_period"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
    assert list(ValueChange.objects.values_list("upload", flat=True)) == [upload.pk, upload.pk]
    # A reference that does not exist is refused as the trigger would refuse it.
    with pytest.raises(IntegrityError, match="catalog_period"):
        share("catalog_period", {987654})


def test_a_source_with_tabs_backslashes_and_newlines_is_stored_as_written_by_the_bulk_path(desa):
    from datavalues.writing import save_value_chunks

    source = "PWS\tKIA\\2025\r\nrev. 0.1"
    save_value_chunks(chunks=[[ValueInput(desa[0], "IDM_SKOR", "2025", 0.1 + 0.2, source)]])
    value = DataValue.objects.get()
    assert (value.source, value.value) == (source, 0.1 + 0.2)
    assert value.history().get().source == source


def test_the_history_table_keeps_only_its_key_and_upload_indexes(db):
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, ValueChange._meta.db_table)
    indexed = sorted(
        tuple(info["columns"])
        for info in constraints.values()
        if info["index"] and not info["primary_key"]
    )
    assert indexed == [("region_id", "element_id", "period_id"), ("upload_id",)]


def test_a_data_element_with_history_still_cannot_be_deleted(desa):
    from django.db.models import ProtectedError

    from catalog.models import DataElement

    key = (desa[0], "BUMIL_ANC", "2025")
    save_values(values=[ValueInput(*key, 40)], how="form")
    save_values(values=[ValueInput(*key, None)], how="form")  # only history is left
    assert not DataValue.objects.exists()
    with pytest.raises(ProtectedError):
        DataElement.objects.get(code="BUMIL_ANC").delete()
    assert ValueChange.objects.count() == 2


def test_deleting_a_user_keeps_their_history_rows_without_the_name(desa):
    user = get_user_model().objects.create_user("leaving", password="x" * 12)
    save_values(values=[ValueInput(desa[0], "BUMIL_ANC", "2025", 40)], by=user, how="form")
    user.delete()
    change = ValueChange.objects.get()
    assert (change.new_value, change.changed_by_id) == (40, None)


@pytest.mark.django_db(transaction=True)
def test_a_file_transaction_refuses_a_missing_upload_and_writes_nothing(catalogue):
    from django.db import IntegrityError, connection

    from datavalues.writing import file_transaction, save_value_chunks
    from intake.models import Upload

    desa = make_regions([[2, 1]])
    gone = Upload(pk=987654)  # never saved
    with pytest.raises(IntegrityError), file_transaction():
        save_value_chunks(chunks=[[ValueInput(desa[0], "BUMIL_ANC", "2025", 40)]], upload=gone)
    assert not DataValue.objects.exists() and not ValueChange.objects.exists()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1


@pytest.mark.parametrize(
    ("element", "value", "words"),
    [
        ("BUMIL_ANC", float("nan"), "bukan bilangan"),
        ("BUMIL_ANC", float("inf"), "bukan bilangan"),
        ("BUMIL_ANC", float("-inf"), "bukan bilangan"),
        ("BUMIL_ANC", -1, "tidak boleh negatif"),
        ("BUMIL_ANC", 2.5, "harus bilangan bulat"),
        ("PAUD_ADA", 2, "harus 0 (tidak) atau 1 (ya)"),
    ],
)
def test_each_value_a_data_element_refuses_gets_its_reason(desa, element, value, words):
    with pytest.raises(ValuesRejected) as info:
        save_values(values=[ValueInput(desa[0], element, "2025", value)], how="form")
    assert words in str(info.value)
    assert not DataValue.objects.exists()


def test_whole_numbers_zero_and_yes_no_values_are_accepted(desa):
    result = save_values(
        values=[
            ValueInput(desa[0], "BUMIL_ANC", "2025", 40.0),
            ValueInput(desa[0], "BUMIL_SASARAN", "2025", 0),
            ValueInput(desa[0], "PAUD_ADA", "2025", 1),
        ],
        how="form",
    )
    assert result.created == 3


def test_save_values_refuses_a_period_that_has_not_begun_like_a_file_does(desa):
    from django.utils import timezone

    future = str(timezone.localdate().year + 1)
    with pytest.raises(ValuesRejected, match="belum dimulai") as info:
        save_values(values=[ValueInput(desa[0], "BUMIL_ANC", future, 1)], how="contoh")
    assert info.value.errors[0].field == "period"
    assert not DataValue.objects.exists()


def test_save_values_refuses_a_desa_only_element_for_a_kelurahan_like_a_file_does(desa):
    from regions.models import Kind, Region

    Region.objects.filter(code=desa[0]).update(kind=Kind.KELURAHAN)
    with pytest.raises(ValuesRejected, match="hanya untuk desa") as info:
        save_values(values=[ValueInput(desa[0], "BLT_REALISASI_RP", "2025", 1000)], how="file")
    assert info.value.errors[0].field == "value"
    save_values(values=[ValueInput(desa[1], "BLT_REALISASI_RP", "2025", 1000)], how="file")
    assert DataValue.objects.get().region_id == desa[1]
