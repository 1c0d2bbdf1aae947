"""seed_demo on an empty database (its own module: the story module keeps the demo loaded)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from locales.models import Country
from tests.seeded import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_an_empty_database_gets_the_story(db):
    out = StringIO()
    call_command("seed_demo", password=DEMO_PASSWORD, stdout=out)
    assert "Demo data loaded" in out.getvalue() and "id-operator" in out.getvalue()
    assert Country.objects.count() == 6
    if connection.vendor == "postgresql":  # the story's past months went to their own partitions
        with connection.cursor() as cursor:
            for table in ("challenges_challengemetricsnapshot", "influencers_followersnapshot"):
                cursor.execute(f"SELECT count(*), (SELECT count(*) FROM {table}_default) FROM {table}")
                rows, waiting = cursor.fetchone()
                assert rows > 0 and waiting == 0
