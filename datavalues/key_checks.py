"""The foreign keys of a file's values and history rows, checked once per referenced row
instead of once per written row (the writer of `datavalues.writing` uses it)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.db import connection

from catalog.models import DataElement, Period
from datavalues.bulk import _may_set_replication_role, _share_keys, _sqlite_enforces_keys
from datavalues.models import ValueChange

if TYPE_CHECKING:
    from datavalues.writing import CatalogueState


class KeyChecks:
    """The foreign keys of a file's values and history rows, checked once per referenced
    row instead of once per written row.

    PostgreSQL checks a foreign key with a trigger per inserted row that reads the
    referenced row `FOR KEY SHARE`, deferred to the commit: four or five per value and
    history row, about 40 µs per value in all — more than writing it. A file's rows
    reference few rows: its desa (locked `FOR UPDATE` by the writer, which also checks
    that each is a desa), the elements of the catalogue, its periods, its upload and its
    user. Here each of those is read `FOR KEY SHARE` once — exactly the lock the triggers
    would take, so none can be deleted before the commit — and refused if missing, and
    the rows are written with the triggers off (`session_replication_role = replica`, for
    those statements of this transaction only). Only when the rows come from a plan whose
    catalogue is unchanged (every reference known) and the database user may set that
    parameter (a superuser, or `GRANT SET ON PARAMETER session_replication_role`);
    otherwise the triggers run as usual.

    SQLite looks up the parent rows of every written row too (a sixth of a file import's
    writing). There the transaction of a file may run with enforcement off (see
    `file_transaction`): the same referenced rows are then read once here and refused if
    missing. Nothing can delete them before the commit: the transaction holds SQLite's
    only write lock from its start (`BEGIN IMMEDIATE`)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.period_ids: set[int] = set()

    @classmethod
    def start(
        cls,
        trusted: bool,
        user_id: int | None,
        upload_id: int | None,
        state: CatalogueState | None,
        element_ids: Iterable[int] = (),
    ) -> KeyChecks:
        if connection.vendor == "sqlite":
            if _sqlite_enforces_keys():
                return cls(False)
            ids = {fields[0] for fields in state.values()} if state else set(element_ids)
            _check_keys(user_id, upload_id, ids)
            return cls(True)
        if not trusted or state is None or connection.vendor != "postgresql":
            return cls(False)
        if not _may_set_replication_role():
            return cls(False)
        _check_keys(user_id, upload_id, {fields[0] for fields in state.values()})
        return cls(True)

    def periods(self, ids: set[int]) -> None:
        if self.enabled and not ids <= self.period_ids:
            _share_keys(Period._meta.db_table, ids - self.period_ids)
            self.period_ids |= ids

    @contextmanager
    def writing(self) -> Iterator[None]:
        if not self.enabled or connection.vendor != "postgresql":
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = origin")


def _check_keys(user_id: int | None, upload_id: int | None, element_ids: set[int]) -> None:
    _share_keys(DataElement._meta.db_table, element_ids)
    if user_id is not None:
        _share_keys(_related_table("changed_by"), {user_id})
    if upload_id is not None:
        _share_keys(_related_table("upload"), {upload_id})


def _related_table(field: str) -> str:
    """The table a history row's foreign key points to (the upload lives in intake, above
    this app: read through the model, not imported)."""
    model = ValueChange._meta.get_field(field).related_model
    assert model is not None and not isinstance(model, str)
    return str(model._meta.db_table)
