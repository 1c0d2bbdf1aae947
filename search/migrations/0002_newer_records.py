"""Trigram indexes for the records search learned after 0001: regulator requests and their items,
regulatory incidents, cultural moments, creator agreements and their deliverables, budget lines.

Without them each of those groups scanned its whole table on every search (bench_portal's search
page: 507 ms median at the benchmark's 5,000 requests and 15,000 items). Idempotent, like 0001;
nothing happens on SQLite.
"""

from django.db import migrations

TRIGRAM = [
    # An event is found by its city and venue too (0001 indexed only its name).
    ("search_event_city_trgm", "events_event", "city"),
    ("search_event_venue_trgm", "events_event", "venue"),
    ("search_request_authority_trgm", "locales_regulatorrequest", "authority"),
    ("search_request_reference_trgm", "locales_regulatorrequest", "reference"),
    ("search_requestitem_target_trgm", "locales_requestitem", "target"),
    ("search_incident_title_trgm", "locales_regulatoryincident", "title"),
    ("search_moment_name_trgm", "locales_culturalmoment", "name"),
    ("search_moment_local_trgm", "locales_culturalmoment", "local_name"),
    ("search_agreement_title_trgm", "agreements_agreement", "title"),
    ("search_deliverable_hashtag_trgm", "agreements_deliverable", "hashtag"),
    ("search_budgetline_description_trgm", "budgets_budgetline", "description"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in TRIGRAM:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (opsportal_unaccent(lower({column})) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in TRIGRAM:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_indexes"),
        ("locales", "0006_regulator_requests"),
        ("agreements", "0001_initial"),
        ("budgets", "0001_initial"),
        ("events", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
