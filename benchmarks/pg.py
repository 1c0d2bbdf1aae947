"""A plain psycopg connection to Django's database, for what the benchmarks time beside Django."""

import psycopg
from django.conf import settings


def connect(*, autocommit: bool = True, **options) -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        dbname=db["NAME"],
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        autocommit=autocommit,
        **options,
    )


def vacuum_if_no_autovacuum(tables) -> bool:
    """Do autovacuum's work on ``tables`` when the server runs without it (as some shared clusters
    do): rows rewritten before a run otherwise leave their pages out of the visibility map, and
    index-only scans visit the heap. Returns whether it vacuumed."""
    with connect() as conn, conn.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        if cursor.fetchone()[0] == "on":
            return False
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")
    return True
