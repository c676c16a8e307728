"""Database-specific bulk mechanisms of the roll-ups: COPY or multi-row inserts, index
dropping for an empty table, and SQLite's sorter settings, each restored afterwards."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.db import connection

from analytics.models import ElementRollup, IndicatorRollup
from analytics.rollups.deltas import UpsertRow

# PostgreSQL memory for each sort or hash of the rebuild (its server process, not Python's).
WORK_MEM = "256MB"


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _copy_rows(table: str, columns: Sequence[str], rows: Iterable[UpsertRow]) -> None:
    """Plain bulk insert (COPY on PostgreSQL): a national rebuild writes millions of rows."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            copy_sql = f"COPY {_qn(table)} ({', '.join(_qn(c) for c in columns)}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = (
            f"INSERT INTO {_qn(table)} ({', '.join(_qn(c) for c in columns)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        batch: list[UpsertRow] = []
        for row in rows:
            batch.append(row)
            if len(batch) == 10000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


@contextmanager
def _bulk_load(models: Sequence[type[ElementRollup] | type[IndicatorRollup]]) -> Iterator[None]:
    """PostgreSQL, empty tables: drop their secondary indexes and their constraints but the
    primary key, and restore them at the end — one index build and one set-based foreign-key
    check each instead of per-row index updates and millions of deferred checks at commit.
    DDL is transactional (a failure restores them); the tables stay locked until commit."""
    restore: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{WORK_MEM}'")
        # Checks still pending from earlier in the transaction would forbid ALTER TABLE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
                [table],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint "
                "WHERE conrelid = %s::regclass)",
                [table, table],
            )
            indexes = cursor.fetchall()
            for name, _definition, _kind in constraints:
                cursor.execute(f"ALTER TABLE {_qn(table)} DROP CONSTRAINT {_qn(name)}")
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {_qn(name)}")
            restore.extend(definition for _name, definition in indexes)
            # Unique constraints first (they build their index), then the foreign keys.
            for name, definition, _kind in sorted(constraints, key=lambda c: c[2] != "u"):
                restore.append(f"ALTER TABLE {_qn(table)} ADD CONSTRAINT {_qn(name)} {definition}")
    yield
    with connection.cursor() as cursor:
        for statement in restore:
            cursor.execute(statement)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are deferred
        for model in models:
            cursor.execute(f"ANALYZE {_qn(model._meta.db_table)}")


# SQLite, during a rebuild: page cache (KiB) and sorter threads. SQLite groups by sorting;
# the national rebuild sorts tens of millions of rows, which spill to temporary files when
# the cache is the default 2 MB.
SQLITE_REBUILD_CACHE_KB = 128 * 1024
SQLITE_SORTER_THREADS = 2


@contextmanager
def _sqlite_sorting() -> Iterator[None]:
    """A bigger page cache and worker threads for SQLite's sorter while a rebuild runs, as
    they were afterwards. (PostgreSQL: work_mem is set inside the transaction instead.)"""
    if connection.vendor != "sqlite":
        yield
        return
    pragmas = {"cache_size": -SQLITE_REBUILD_CACHE_KB, "threads": SQLITE_SORTER_THREADS}
    before: dict[str, int] = {}
    with connection.cursor() as cursor:
        for name, value in pragmas.items():
            cursor.execute(f"PRAGMA {name}")
            before[name] = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in before.items():
                cursor.execute(f"PRAGMA {name} = {value}")
