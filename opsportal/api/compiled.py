"""ORM queries compiled to SQL once per process, then run with fresh values (PostgreSQL).

The busiest requests spend more time having the ORM build and compile their statements (two
dozen columns, JSON subqueries) than PostgreSQL spends running them. Their shape never changes
— only the page's ids, a moment, a key — so each is compiled once with recognisable
stand-in values, swapped for the real ones on every run. The SQL is the ORM's own; only its
compilation is cached; PostgreSQL's plan of it is too (``_PreparedCursor``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import psycopg
from django.db import connection
from django.db.models import QuerySet


class Stand:
    """Stand-in values no real request uses: a list (matched by identity), far-past moments, a text."""

    ids = [-7_000_001]
    moment = dt.datetime(1901, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    text = "\x1fcompiled-stand-in\x1f"


class CompiledQuery:
    """``build(Stand)`` → a values() queryset; ``rows(ids=..., moment=..., text=...)`` runs it."""

    def __init__(self, build: Callable[[type[Stand]], QuerySet]):
        self.build = build
        self._compiled: tuple[str, list] | None = None

    def _compile(self) -> tuple[str, list]:
        from opsportal.scope import unscoped

        # Compiled once for every caller of this process, so never with the first caller's
        # countries baked in: the queries select by ids that the caller's scoped query found.
        with unscoped():
            sql, params = self.build(Stand).query.sql_with_params()
        self._compiled = (sql, list(params))
        return self._compiled

    def _swap(self, p, ids, moment, text):
        if p is Stand.ids:
            return ids
        if isinstance(p, dt.datetime):
            return moment if p == Stand.moment else p
        return text if p == Stand.text else p

    def rows(self, *, ids=None, moment=None, text=None) -> list[dict]:
        sql, params = self._compiled or self._compile()
        values = [self._swap(p, ids, moment, text) for p in params]
        with prepared_cursor() as cursor:
            _load_times_natively(cursor.cursor)
            cursor.execute(sql, values)
            names = [column.name for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


class _PreparedCursor(psycopg.Cursor):
    """Binds values on the server and prepares each statement on its first run.

    Django's cursors bind on the client and never prepare (so that connection poolers in
    transaction mode keep working; this project connects to PostgreSQL directly): PostgreSQL
    would plan these statements — two dozen columns, JSON subqueries — on every request, which
    costs more than running them for a page of ids. Prepared once per connection, they are
    planned once per connection (psycopg keeps the last 100 statements of a connection).
    """

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


def prepared_cursor():
    """A Django cursor (errors wrapped, queries logged for tests) around a ``_PreparedCursor``."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_PreparedCursor(connection.connection))


def _load_times_natively(cursor) -> None:
    """Read timestamptz with psycopg's C loader instead of Django's Python subclass of it.

    Django's loader only re-stamps the session's time zone on each value; a page of fifty rows
    carries some two hundred times, and the Python loader cost a fifth of the request. With the
    session in UTC (Django's own setting when USE_TZ is on) both give the same UTC datetimes.
    """
    if connection.timezone is not dt.UTC:
        return
    from psycopg import postgres
    from psycopg.pq import Format

    timestamptz = postgres.types["timestamptz"].oid
    cursor.adapters.register_loader(timestamptz, postgres.adapters.get_loader(timestamptz, Format.TEXT))


def by_ids(queryset: QuerySet, ids) -> QuerySet:
    """``id = ANY(%s)``: one parameter whatever the number of ids, so the SQL can be reused."""
    table = queryset.model._meta.db_table
    return queryset.extra(where=[f'"{table}"."id" = ANY(%s)'], params=[ids])


def available() -> bool:
    return connection.vendor == "postgresql"
