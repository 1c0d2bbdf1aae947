"""Monthly range partitions of the snapshot tables (PostgreSQL only; SQLite has no partitions).

The snapshot tables grow by the hour (issue 16: an hourly feed of 10,000 challenges is 87 million
rows a year), so on PostgreSQL they are partitioned BY RANGE on their time column, one partition
a month in UTC, named ``<table>_pYYYY_MM``, plus ``<table>_default`` that takes a row of a month
with no partition yet, so a write never fails for want of one.

- ``partition_by_month`` / ``unpartition`` rebuild a table in place (the migrations call them).
- ``partitions_ensure`` creates the coming months' partitions and moves rows that landed in the
  default partition into their month's own (the beat task and ``manage.py ensure_partitions``).

Which tables are partitioned is read from the catalog (``pg_partitioned_table``): the migrations
that partition them are the one list.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import OperationalError, connection, transaction

log = logging.getLogger(__name__)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def partition_name(table: str, month: dt.date) -> str:
    return f"{table}_p{month:%Y_%m}"


def default_name(table: str) -> str:
    return f"{table}_default"


@dataclass(frozen=True)
class MonthlyTable:
    table: str
    key: str
    is_date: bool  # a date column; otherwise timestamptz, months bounded at UTC midnight

    def bound(self, month: dt.date) -> str:
        return f"'{month.isoformat()}'" if self.is_date else f"'{month.isoformat()} 00:00:00+00'"

    def month_of(self, column: str) -> str:
        """SQL: the first day of the UTC month of ``column``, as a date."""
        moment = column if self.is_date else f"({column} AT TIME ZONE 'UTC')"
        return f"date_trunc('month', {moment})::date"

    def in_month(self, month: dt.date) -> str:
        return f"{self.key} >= {self.bound(month)} AND {self.key} < {self.bound(next_month(month))}"


# --- building a partitioned table out of a plain one (and back) --------------------------------


def _q(cursor, sql: str, params=None) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall() if cursor.description else []


def _columns(cursor, table: str) -> list[str]:
    sql = "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped"
    return [r[0] for r in _q(cursor, sql + " ORDER BY attnum", [table])]


def _temporary(name: str) -> str:
    # Index names are unique in the schema: the new table's indexes carry a stand-in name until
    # the old table is gone.
    return "tmp_" + hashlib.md5(name.encode()).hexdigest()[:20]  # noqa: S324 - a name, not a secret


def _months_with_rows(cursor, monthly: MonthlyTable) -> list[dt.date]:
    # A skip scan on the key's index: one probe per month instead of reading every row.
    t, k = monthly.table, monthly.key
    following = (
        "(m.month + interval '1 month')::date"
        if monthly.is_date
        else "(m.month + interval '1 month')::timestamp AT TIME ZONE 'UTC'"
    )
    rows = _q(
        cursor,
        f"""
        WITH RECURSIVE m(month) AS (
            SELECT (SELECT {monthly.month_of(f"min({k})")} FROM {t})
            UNION ALL
            SELECT (SELECT {monthly.month_of(f"min({k})")} FROM {t} WHERE {k} >= {following})
            FROM m WHERE m.month IS NOT NULL
        )
        SELECT month FROM m WHERE month IS NOT NULL
        """,
    )
    return [row[0] for row in rows]


def _rebuild(schema_editor, table: str, key: str, *, partitioned: bool, pk: str = "id") -> None:
    """Rebuild ``table`` as a monthly-partitioned table (or back to a plain one) under the same
    name, with the same columns, identity sequence position, constraint and index names (Django's
    later migrations and the ``ON CONFLICT (…)`` upserts name them).

    Locks: SHARE while rows are copied and indexes built (reads go on, writes wait), ACCESS
    EXCLUSIVE only for the swap at the end. Runs in the migration's transaction: a failure leaves
    the old table as it was.
    """
    if schema_editor.connection.vendor != "postgresql":
        return
    new = f"{table}__new"
    clock = [time.monotonic()]

    def lap() -> float:
        clock.append(time.monotonic())
        return clock[-1] - clock[-2]

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")
        is_date = _q(
            cursor,
            "SELECT format_type(atttypid, atttypmod) = 'date' FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attname = %s",
            [table, key],
        )[0][0]
        monthly = MonthlyTable(table, key, is_date)
        columns = _columns(cursor, table)
        constraints = _q(
            cursor,
            "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f') ORDER BY contype, conname",
            [table],
        )
        indexes = _q(
            cursor,
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)",
            [table],
        )
        (sequence,) = _q(cursor, "SELECT pg_get_serial_sequence(%s, %s)", [table, pk])[0]

        # Columns, NOT NULL, defaults, CHECK constraints (with their names) and the identity.
        how = f" PARTITION BY RANGE ({key})" if partitioned else ""
        cursor.execute(
            f"CREATE TABLE {new} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY "
            f"INCLUDING STORAGE INCLUDING COMMENTS){how}"
        )
        if partitioned:
            today = month_start(dt.datetime.now(dt.UTC).date())
            months = set(_months_with_rows(cursor, monthly))
            ahead = today
            for _ in range(settings.OPSPORTAL_PARTITION_MONTHS_AHEAD + 1):
                months.add(ahead)
                ahead = next_month(ahead)
            for month in sorted(months):
                cursor.execute(
                    f"CREATE TABLE {partition_name(table, month)} PARTITION OF {new} "
                    f"FOR VALUES FROM ({monthly.bound(month)}) TO ({monthly.bound(next_month(month))})"
                )
            cursor.execute(f"CREATE TABLE {default_name(table)} PARTITION OF {new} DEFAULT")
        names = ", ".join(columns)
        cursor.execute(f"INSERT INTO {new} ({names}) SELECT {names} FROM {table}")
        copied = cursor.rowcount
        log.info("%s: %s rows copied in %.1f s", table, copied, lap())

        # Keys and indexes under stand-in names, built while the old table still serves reads.
        renames = []
        for name, kind, definition in constraints:
            if kind == "p":
                keys = f"{pk}, {key}" if partitioned else pk
                definition = f"PRIMARY KEY ({keys})"
            elif kind == "u" and partitioned and not re.search(rf"\b{key}\b", definition):
                raise ValueError(f"{table}: unique constraint {name} must include the partition key {key}")
            if kind == "f":  # a foreign key's name is per table: it keeps its own at once
                cursor.execute(f"ALTER TABLE {new} ADD CONSTRAINT {name} {definition}")
                continue
            cursor.execute(f"ALTER TABLE {new} ADD CONSTRAINT {_temporary(name)} {definition}")
            renames.append(f"ALTER TABLE {table} RENAME CONSTRAINT {_temporary(name)} TO {name}")
        for name, definition in indexes:
            match = re.fullmatch(r"CREATE (UNIQUE )?INDEX \S+ ON (?:ONLY )?\S+ (USING .*)", definition)
            cursor.execute(f"CREATE {match[1] or ''}INDEX {_temporary(name)} ON {new} {match[2]}")
            renames.append(f"ALTER INDEX {_temporary(name)} RENAME TO {name}")
        cursor.execute(f"ANALYZE {new}")
        log.info("%s: keys, indexes and statistics built in %.1f s", table, lap())

        # The swap: readers wait only for these few catalog changes.
        cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        position = _q(cursor, f"SELECT last_value, is_called FROM {sequence}")[0]
        new_sequence = _q(cursor, "SELECT pg_get_serial_sequence(%s, %s)", [new, pk])[0][0]
        cursor.execute(f"DROP TABLE {table}")
        cursor.execute(f"ALTER TABLE {new} RENAME TO {table}")
        for statement in renames:
            cursor.execute(statement)
        cursor.execute(f"ALTER SEQUENCE {new_sequence} RENAME TO {sequence.split('.')[-1]}")
        cursor.execute("SELECT setval(%s, %s, %s)", [sequence, *position])
        log.info("%s: swapped in %.3f s (%s)", table, lap(), "partitioned" if partitioned else "one plain table")


def partition_by_month(table: str, key: str):
    """A migration operation's forward function: make ``table`` monthly-partitioned on ``key``."""

    def forwards(apps, schema_editor):
        _rebuild(schema_editor, table, key, partitioned=True)

    return forwards


def unpartition(table: str, key: str):
    """The reverse: the same table as one plain table again."""

    def backwards(apps, schema_editor):
        _rebuild(schema_editor, table, key, partitioned=False)

    return backwards


# --- keeping the months ahead ------------------------------------------------------------------


@dataclass
class PartitionReport:
    created: list[str] = field(default_factory=list)
    moved: dict[str, int] = field(default_factory=dict)  # partition → rows moved out of the default
    refused: list[str] = field(default_factory=list)  # months overlapping a partition of another shape
    busy: list[str] = field(default_factory=list)  # not created this time: the table stayed locked


def monthly_tables() -> list[MonthlyTable]:
    """Every table of the schema partitioned by range on one column that has a default partition."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        rows = _q(
            cursor,
            """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) = 'date'
            FROM pg_partitioned_table p
            JOIN pg_class c ON c.oid = p.partrelid
            JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
            WHERE p.partstrat = 'r' AND p.partnatts = 1 AND p.partdefid <> 0
              AND c.relnamespace = current_schema()::regnamespace
            ORDER BY c.relname
            """,
        )
    return [MonthlyTable(*row) for row in rows]


def _ranges(cursor, monthly: MonthlyTable) -> list[tuple[str, object, object]]:
    """The table's partitions other than the default, with their bounds as Python values."""
    rows = _q(
        cursor,
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass",
        [monthly.table],
    )
    parse = dt.date.fromisoformat if monthly.is_date else dt.datetime.fromisoformat
    ranges = []
    for name, bound in rows:
        match = re.fullmatch(r"FOR VALUES FROM \('([^']+)'\) TO \('([^']+)'\)", bound)
        if match:  # the default partition, and any bound of another shape, have no range here
            ranges.append((name, parse(match[1]), parse(match[2])))
    return ranges


def _as_bound(monthly: MonthlyTable, month: dt.date):
    return month if monthly.is_date else dt.datetime.combine(month, dt.time(), tzinfo=dt.UTC)


def partitions_ensure(*, months_ahead: int | None = None, today: dt.date | None = None) -> PartitionReport:
    """Create each partitioned table's partitions from this month to ``months_ahead`` months on,
    and give every month found in the default partition its own partition, moving its rows there.

    Idempotent; each month is one short transaction (rows keep their ids). A month overlapping a
    partition that is not a calendar month is refused and logged, never forced. Waits at most
    ``lock_timeout`` for the table (busy ingestion): the next run tries again.
    """
    report = PartitionReport()
    if months_ahead is None:
        months_ahead = settings.OPSPORTAL_PARTITION_MONTHS_AHEAD
    first = month_start(today or dt.datetime.now(dt.UTC).date())
    for monthly in monthly_tables():
        with connection.cursor() as cursor:
            stray = {
                r[0]
                for r in _q(
                    cursor, f"SELECT DISTINCT {monthly.month_of(monthly.key)} FROM {default_name(monthly.table)}"
                )
            }
        wanted, month = set(stray), first
        for _ in range(months_ahead + 1):
            wanted.add(month)
            month = next_month(month)
        for month in sorted(wanted):
            try:
                _partition_month(monthly, month, report)
            except OperationalError as error:  # lock_timeout: the table is busy; the next run retries
                log.warning("partitions: %s skipped this time (%s)", partition_name(monthly.table, month), error)
                report.busy.append(partition_name(monthly.table, month))
    return report


def _partition_month(monthly: MonthlyTable, month: dt.date, report: PartitionReport) -> None:
    name = partition_name(monthly.table, month)
    low, high = _as_bound(monthly, month), _as_bound(monthly, next_month(month))
    with transaction.atomic(), connection.cursor() as cursor:
        ranges = _ranges(cursor, monthly)
        if any(r[0] == name or (r[1] == low and r[2] == high) for r in ranges):
            return
        clash = [r[0] for r in ranges if r[1] < high and low < r[2]]
        if clash:
            log.error("partitions: %s not created, it would overlap %s", name, ", ".join(clash))
            report.refused.append(name)
            return
        cursor.execute("SET LOCAL lock_timeout = '5s'")
        default = default_name(monthly.table)
        # Rows of this month that landed in the default leave it first: PostgreSQL refuses a new
        # partition while the default holds rows of its range. They keep their ids.
        moved = 0
        if _q(cursor, f"SELECT EXISTS (SELECT 1 FROM {default} WHERE {monthly.in_month(month)})")[0][0]:
            cursor.execute(f"CREATE TEMPORARY TABLE partition_moving (LIKE {default})")
            cursor.execute(
                f"WITH gone AS (DELETE FROM {default} WHERE {monthly.in_month(month)} RETURNING *) "
                f"INSERT INTO partition_moving SELECT * FROM gone"
            )
            moved = cursor.rowcount
        cursor.execute(
            f"CREATE TABLE {name} PARTITION OF {monthly.table} "
            f"FOR VALUES FROM ({monthly.bound(month)}) TO ({monthly.bound(next_month(month))})"
        )
        if moved:
            names = ", ".join(_columns(cursor, monthly.table))
            cursor.execute(f"INSERT INTO {monthly.table} ({names}) SELECT {names} FROM partition_moving")
            cursor.execute("DROP TABLE partition_moving")
            report.moved[name] = moved
            log.warning("partitions: moved %s rows of %s out of %s", moved, name, default)
        report.created.append(name)
        log.info("partitions: created %s", name)
