"""PostgreSQL search support for opsportal.search: pg_trgm, unaccent, and the indexes behind them.

Moved here from ``feeds`` (its 0002, now empty): every statement is idempotent, so a database that
ran it there runs it again here without a change.

The indexes sit on other apps' tables; they are created here with raw SQL (IF NOT EXISTS) so
those apps' models stay untouched. ``unaccent()`` is not IMMUTABLE, so an index cannot use it
directly: ``opsportal_unaccent()`` wraps it with a fixed dictionary, which makes it so.
On SQLite nothing happens: search falls back to a plain case-insensitive match there.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION opsportal_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
"""

# (index name, table, columns): trigram indexes serve LIKE '%x%' and the similarity operators.
TRIGRAM = [
    ("search_influencer_name_trgm", "influencers_influencer", "name"),
    ("search_influencer_local_trgm", "influencers_influencer", "local_name"),
    ("search_account_handle_trgm", "influencers_platformaccount", "handle"),
    ("search_challenge_hashtag_trgm", "challenges_challenge", "hashtag"),
    ("search_challenge_title_trgm", "challenges_challenge", "title"),
    ("search_event_name_trgm", "events_event", "name"),
    ("search_partner_name_trgm", "events_partner", "name"),
    ("search_govcontact_person_trgm", "locales_governmentcontact", "person_name"),
    ("search_govcontact_local_trgm", "locales_governmentcontact", "local_name"),
    ("search_govcontact_org_trgm", "locales_governmentcontact", "organization"),
]

# (index name, table, columns): full-text documents; must match opsportal.search.DOCUMENTS exactly.
FULLTEXT = [
    ("search_influencer_fts", "influencers_influencer", ("name", "local_name")),
    ("search_challenge_fts", "challenges_challenge", ("hashtag", "title")),
    ("search_event_fts", "events_event", ("name", "city", "venue")),
    ("search_partner_fts", "events_partner", ("name",)),
    ("search_govcontact_fts", "locales_governmentcontact", ("person_name", "local_name", "organization")),
]


def _postgres(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


def forwards(apps, schema_editor):
    if not _postgres(schema_editor):
        return
    schema_editor.execute(FUNCTION)
    for name, table, column in TRIGRAM:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (opsportal_unaccent(lower({column})) gin_trgm_ops)"
        )
    for name, table, columns in FULLTEXT:
        document = " || ' ' || ".join(columns)
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin (to_tsvector('simple'::regconfig, opsportal_unaccent(lower({document}))))"
        )


def backwards(apps, schema_editor):
    if not _postgres(schema_editor):
        return
    for name, _table, _columns in TRIGRAM + FULLTEXT:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS opsportal_unaccent(text)")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("influencers", "0001_initial"),
        ("challenges", "0001_initial"),
        ("events", "0001_initial"),
        ("locales", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
