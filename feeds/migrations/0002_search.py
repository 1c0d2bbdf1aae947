"""Empty: the search support (pg_trgm, unaccent and the indexes) moved to the search app
(``search/migrations/0001_indexes.py``), whose statements are idempotent. Kept so that databases
which applied it keep a consistent migration history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("feeds", "0001_initial")]

    operations = []
