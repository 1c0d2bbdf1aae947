"""Emptying the database for ``seed_demo --reset`` (and the tests' demo fixture)."""

from __future__ import annotations

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection

# Django's own bookkeeping: recreated by migrate, never data a person entered.
KEEP_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


def holds_records() -> bool:
    """Has anyone (the demo or a person) put records in this database?"""
    from django.contrib.auth import get_user_model

    from locales.models import Country

    return Country.objects.exists() or get_user_model().objects.exists()


def wipe_database() -> dict[str, int]:
    """Delete every row of every table (but Django's bookkeeping); returns rows removed per model.

    Counted first, so the command can say what went; history and many-to-many tables are counted
    with their records' models under their own names.
    """
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table not in KEEP_TABLES]
    existing = set(connection.introspection.table_names())
    models = [m for m in models if m._meta.db_table in existing]
    removed = {}
    for model in models:
        if model._meta.auto_created:
            continue  # many-to-many rows go with their records; not worth a line of their own
        count = model._base_manager.count()
        if count:
            removed[model._meta.label] = count
    statements = connection.ops.sql_flush(
        no_style(), sorted({m._meta.db_table for m in models}), reset_sequences=False, allow_cascade=True
    )
    connection.ops.execute_sql_flush(statements)
    return removed
