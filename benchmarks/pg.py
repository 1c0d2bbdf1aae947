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
