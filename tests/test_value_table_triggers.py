"""The triggers and foreign keys of the value tables, listed.

A big file import writes values and history rows with the foreign-key triggers off
(PostgreSQL `session_replication_role = replica`, SQLite `PRAGMA foreign_keys = OFF`) and
checks each referenced row once itself (datavalues.key_checks.KeyChecks). That bypass would
silently skip any trigger or foreign key added later: this test fails first, so whoever
adds one also teaches the writer to check it.
"""

from __future__ import annotations

import pytest
from django.db import connection

from datavalues.models import DataValue, ValueChange

pytestmark = pytest.mark.django_db

VALUE_TABLES = (DataValue._meta.db_table, ValueChange._meta.db_table)
# table → the tables its foreign keys reference: what KeyChecks reads once per file
# (the desa are locked by the writer, elements and periods read FOR KEY SHARE, the user
# and the upload too).
REFERENCES = {
    DataValue._meta.db_table: {
        "regions_region",
        "catalog_dataelement",
        "catalog_period",
        "auth_user",
    },
    ValueChange._meta.db_table: {
        "regions_region",
        "catalog_dataelement",
        "catalog_period",
        "auth_user",
        "intake_upload",
    },
}


def user_triggers(table: str) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
            )
        return sorted(row[0] for row in cursor.fetchall())


def referenced_tables(table: str) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {c["foreign_key"][0] for c in constraints.values() if c["foreign_key"]}


@pytest.mark.parametrize("table", VALUE_TABLES)
def test_the_value_tables_have_no_trigger_of_their_own(table: str) -> None:
    assert user_triggers(table) == []


@pytest.mark.parametrize("table", VALUE_TABLES)
def test_the_value_tables_reference_exactly_what_the_bulk_writer_checks(table: str) -> None:
    assert referenced_tables(table) == REFERENCES[table]
