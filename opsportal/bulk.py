"""Inserting many new rows of a model without a model instance per row.

A bulk import of 100,000 influencers spent most of its Python time building model instances and
letting ``bulk_create`` turn each field of each one into an insert parameter. Here the rows are
plain objects carrying the model's column attributes (``attname``: ``country_id``, not
``country``) and a ``pk``; on PostgreSQL each column goes as one ``pg_array`` literal into
``INSERT … SELECT FROM unnest(…)``, elsewhere they become model instances for ``bulk_create``.
"""

from __future__ import annotations

import re
from operator import attrgetter

from django.db import connection
from django.db.models import F, Lookup, Q

from opsportal.db import bulk_cursor, pg_array

PORTABLE_BATCH = 500


def model_defaults(model, *, skip: tuple[str, ...] = ()) -> dict:
    """Each column attribute of ``model`` with the default a new instance would have."""
    return {
        f.attname: f.get_default() for f in model._meta.concrete_fields if not f.primary_key and f.attname not in skip
    }


def insert_objects(model, objects: list) -> None:
    """Insert ``objects`` as new rows of ``model``; each gets its ``pk``.

    Every concrete column is written from the object's attribute of the same ``attname``, so
    fields Django would fill on save (``auto_now``) must be set by the caller. Constraints are
    the table's: a value too long for its column is refused, not cut.
    """
    if not objects:
        return
    if connection.vendor != "postgresql":
        _insert_portable(model, objects)
        return
    table = model._meta.db_table
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    # Driver errors (a value too long, a broken constraint) reach callers as Django's own.
    with connection.wrap_database_errors, bulk_cursor() as cursor:
        # Ids first, from the table's own sequence: rows inserted next (accounts, snapshots) can
        # point at them without relying on the order RETURNING gives them back in.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s::int)",
            [table, model._meta.pk.column, len(objects)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
        columns = ", ".join(quote(f.column) for f in fields)
        arrays = ", ".join(f"%s::{_base_type(f)}[]" for f in fields)
        values = [pg_array(list(map(attrgetter("pk" if f.primary_key else f.attname), objects))) for f in fields]
        cursor.execute(f"INSERT INTO {quote(table)} ({columns}) SELECT * FROM unnest({arrays})", values)


def _base_type(field) -> str:
    # The column's type without its length: an explicit cast to varchar(200) would silently cut a
    # longer value, whereas the insert into the column refuses it, as the ORM's insert does.
    return re.sub(r"\(.*\)", "", field.db_type(connection))


def _insert_portable(model, objects: list) -> None:
    names = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    instances = [model(**{name: getattr(obj, name) for name in names}) for obj in objects]
    model._base_manager.bulk_create(instances, batch_size=PORTABLE_BATCH)
    for obj, instance in zip(objects, instances, strict=True):
        obj.pk = instance.pk


class _EqualsAny(Lookup):
    lookup_name = "equals_any"
    prepare_rhs = False  # the right-hand side is one array literal, not a value of the field

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::{_base_type(self.lhs.output_field)}[])", [*lhs_params, self.rhs]


def among(field: str, values) -> Q:
    """``field IN values`` for thousands of values: on PostgreSQL ``= ANY(array)`` with the values
    as one ``pg_array`` parameter, where an IN list is one placeholder per value that Django and
    psycopg each process in Python; elsewhere the IN list."""
    values = list(values)
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": values})
    return Q(_EqualsAny(F(field), pg_array(values)))
