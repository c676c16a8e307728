"""Every database-specific bulk mechanism, in one place.

- Inserting many rows: COPY on PostgreSQL, multi-row executemany on SQLite (`_insert` with
  constant columns written once, for values and history; `_copy_rows` for roll-ups).
- Updating many values: one statement over arrays (`unnest`) on PostgreSQL.
- Foreign keys: reading each referenced row once `FOR KEY SHARE` (`_share_keys`), whether
  this user may switch the triggers off, SQLite's enforcement off for a file's transaction.
- Empty roll-up tables: their indexes and constraints dropped and rebuilt (`_bulk_load`).
- SQLite settings (page cache, sorter threads) changed and restored (`sqlite_pragmas`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from django.db import DatabaseError, IntegrityError, connection, models, transaction

from datavalues.models import DataValue, ValueChange

Row = tuple[str | int | float, ...]

# PostgreSQL memory for each sort or hash of the rebuild (its server process, not Python's).
WORK_MEM = "256MB"


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _copy_rows(table: str, columns: Sequence[str], rows: Iterable[Row]) -> None:
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
        batch: list[Row] = []
        for row in rows:
            batch.append(row)
            if len(batch) == 10000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


@contextmanager
def _bulk_load(models: Sequence[type[models.Model]]) -> Iterator[None]:
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
def sqlite_pragmas(**pragmas: int) -> Iterator[None]:
    """SQLite settings of this connection changed while the block runs, and put back as
    they were afterwards, whatever happens. (PostgreSQL: nothing to do; its settings are
    set with SET LOCAL inside the transaction.)"""
    if connection.vendor != "sqlite":
        yield
        return
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


def _sqlite_sorting() -> AbstractContextManager[None]:
    """A bigger page cache and worker threads for SQLite's sorter while a rebuild runs."""
    return sqlite_pragmas(cache_size=-SQLITE_REBUILD_CACHE_KB, threads=SQLITE_SORTER_THREADS)


def _page_cache() -> AbstractContextManager[None]:
    """A bigger SQLite page cache while a file is written: the default 2 MB makes every
    index insert of a million-row import a read from disk."""
    return sqlite_pragmas(cache_size=-SQLITE_CACHE_KB)


SQLITE_CACHE_KB = 64 * 1024


def _sqlite_enforces_keys() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        return bool(cursor.fetchone()[0])


@contextmanager
def file_transaction() -> Iterator[None]:
    """The one transaction of a file import (`transaction.atomic`).

    On SQLite, opened outermost, it runs with foreign-key enforcement off: the writer then
    checks each referenced row once (`datavalues.key_checks.KeyChecks`) instead of SQLite once per written row.
    SQLite lets the setting change only outside a transaction, so it is turned off before
    the transaction begins and back on after it ends, whatever happens; it belongs to this
    connection only and nothing of it outlives the process. Nested in another transaction,
    or on PostgreSQL, this is a plain atomic block."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys = OFF")
    try:
        with transaction.atomic():
            yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = ON")


def _may_set_replication_role() -> bool:
    """Whether this database user may turn the triggers off for its own statements."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")
    except DatabaseError:
        return False
    return True


def _share_keys(table: str, ids: set[int]) -> None:
    """Read rows `FOR KEY SHARE` (what a foreign-key check takes); refuse missing ones."""
    if not ids:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT id FROM {connection.ops.quote_name(table)} "  # noqa: S608
                "WHERE id = ANY(%s) FOR KEY SHARE",
                [sorted(ids)],
            )
        else:
            cursor.execute(
                f"SELECT id FROM {connection.ops.quote_name(table)} "  # noqa: S608
                f"WHERE id IN ({', '.join(['%s'] * len(ids))})",
                sorted(ids),
            )
        found = {row[0] for row in cursor.fetchall()}
    if found != ids:
        raise IntegrityError(
            f"{table}: baris {sorted(ids - found)[:5]} tidak ada / referenced rows missing"
        )


def _insert(
    model: type[DataValue] | type[ValueChange],
    columns: list[str],
    rows: list[tuple[Any, ...]],
    line: Callable[[tuple[Any, ...]], str],
    constants: dict[str, int | str | None],
) -> None:
    """Plain multi-row insert (COPY on PostgreSQL, each row as `line` formats it): no model
    instance per row. `constants` are the columns equal for every row (who, when, how,
    the upload): written once into the statement, or once as the end of every COPY line,
    instead of being passed row by row (a third of SQLite's time for a history row)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    names = ", ".join(qn(c) for c in [*columns, *constants])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            end = "".join(f"\t{_copy_null(v)}" for v in constants.values()) + "\n"
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for start in range(0, len(rows), 5000):
                    copy.write(end.join(map(line, rows[start : start + 5000])) + end)
            return
        values = ", ".join(["%s"] * len(columns) + [_sql_literal(v) for v in constants.values()])
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({values})", rows)  # noqa: S608


def _sql_literal(value: int | str | None) -> str:
    """A constant of our own (an id, a time stamp, a fixed word) as an SQL literal. Also
    escaped for the percent format of Django's cursor."""
    if value is None:
        return "NULL"
    if type(value) is int:
        return str(value)
    if type(value) is str:
        return "'" + value.replace("'", "''").replace("%", "%%") + "'"
    raise TypeError(f"no literal for {type(value).__name__}")


# COPY's text format: a tab between fields, \N for NULL, backslash escapes in text. Floats
# by `repr`, which PostgreSQL reads back to the same double. Desa codes are known codes and
# `how` a fixed word: only the source is free text. (psycopg's `write_row` costs several
# times as much per row.)
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(text: str) -> str:
    return text.translate(_COPY_ESCAPES) if text else text


def _copy_null(value: object) -> str:
    return "\\N" if value is None else repr(value) if type(value) is float else str(value)


def _value_line(row: tuple[Any, ...]) -> str:
    """(region, element, period, value, source) as the start of a COPY line."""
    region, element, period, value, source = row
    return f"{region}\t{element}\t{period}\t{value!r}\t{_copy_text(source)}"


def _history_line(row: tuple[Any, ...]) -> str:
    """(region, element, period, old, new, source) as the start of a COPY line."""
    region, element, period, old, new, source = row
    return (
        f"{region}\t{element}\t{period}\t{_copy_null(old)}\t{_copy_null(new)}\t{_copy_text(source)}"
    )


def _update_values(rows: list[tuple[Any, ...]]) -> None:
    """(id, value, source, updated_by_id, updated_at) rows onto stored values."""
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(DataValue._meta.db_table)
    sets = ", ".join(f"{qn(c)} = %s" for c in ("value", "source", "updated_by_id", "updated_at"))
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(
                f"UPDATE {table} SET {sets} WHERE {qn('id')} = %s",  # noqa: S608
                [(*row[1:], row[0]) for row in rows],
            )
            return
        # One statement per 10,000 rows, the columns as arrays: psycopg's executemany would
        # send one statement per row, and a VALUES list of thousands of placeholders is
        # parsed again in Python for every statement (too long for psycopg's cache).
        for start in range(0, len(rows), 10_000):
            ids, values, sources, users, times = zip(*rows[start : start + 10_000], strict=True)
            cursor.execute(
                f"UPDATE {table} AS t SET {qn('value')} = v.value, {qn('source')} = v.source, "  # noqa: S608
                f"{qn('updated_by_id')} = v.updated_by_id, {qn('updated_at')} = v.updated_at "
                "FROM unnest(%s::bigint[], %s::double precision[], %s::varchar[], "
                "%s::bigint[], %s::timestamptz[]) AS v(id, value, source, updated_by_id, updated_at) "
                "WHERE t.id = v.id",
                [list(ids), list(values), list(sources), list(users), list(times)],
            )
