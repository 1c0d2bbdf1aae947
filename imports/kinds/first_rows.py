"""The file's first row of each record, to name it when a later row repeats the record.

An import of a million rows must remember a million (record id, row number) pairs until its
last batch, and a Python dict holds them at about 100 bytes each (its entry and two int
objects): 100 MB, a third of the memory target. On PostgreSQL they go to a temporary table of
the run's transaction instead (a few MB of the server's temporary files, none in the worker),
read and written once per batch with one statement each; a batch asks only about the records it
matched. Elsewhere (SQLite: development-size files) a dict does the same.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from opsportal.db import bulk_cursor, pg_array

TABLE = "import_first_rows"


class FirstRows:
    """Record id → the file's first row number that named it, for one run."""

    def __init__(self):
        self._rows: dict[int, int] | None = None
        if connection.vendor != "postgresql":
            self._rows = {}
            return
        with bulk_cursor() as cursor:
            # Dropped with the transaction (the preview's rollback, the import's commit); inside a
            # test's transaction the run is a savepoint, so ``close`` drops it too.
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{TABLE}")
            cursor.execute(f"CREATE TEMPORARY TABLE {TABLE} (id bigint PRIMARY KEY, row_number integer) ON COMMIT DROP")

    def get_many(self, ids: Iterable[int]) -> dict[int, int]:
        """The first row of each of these records that an earlier batch saw."""
        ids = list(ids)
        if self._rows is not None:
            return {i: self._rows[i] for i in ids if i in self._rows}
        if not ids:
            return {}
        with bulk_cursor() as cursor:
            cursor.execute(f"SELECT id, row_number FROM {TABLE} WHERE id = ANY(%s::bigint[])", [pg_array(ids)])
            return dict(cursor.fetchall())

    def add_many(self, rows: dict[int, int]) -> None:
        """Records first seen in this batch (ids none of the batches before had)."""
        if self._rows is not None:
            self._rows.update(rows)
            return
        if rows:
            with bulk_cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {TABLE} SELECT * FROM unnest(%s::bigint[], %s::int[])",
                    [pg_array(list(rows)), pg_array(list(rows.values()))],
                )

    def close(self) -> None:
        if self._rows is not None:
            self._rows = {}
            return
        with bulk_cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{TABLE}")
