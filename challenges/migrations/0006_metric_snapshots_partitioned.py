"""Metric snapshots partitioned by month on PostgreSQL (issue 16); nothing happens on SQLite.

Why: an hourly feed of 10,000 challenges is 87 million rows a year. Monthly partitions keep each
month's rows and indexes together, so the daily roll-up (challenges.retention) and the
"last snapshot before X" probes touch one month's indexes, and an old month can be detached or
dropped whole later.

How (opsportal.partitions._rebuild): a partitioned copy with the same columns, identity, checks
and names; one partition per UTC month that holds rows plus this month and the next ones, and a
DEFAULT partition so a row of an unforeseen month is never refused; rows copied while the table
is locked against writes (reads go on); keys and indexes built under stand-in names; then one
swap of names. A partitioned table's keys must hold the partition key: the primary key becomes
(id, captured_at) in the database while Django keeps ``id`` as the model's key (ids still come
from the one identity sequence, so they stay unique); the unique (challenge, captured_at), which
the bulk ingestion's ON CONFLICT names, holds it already. Django's model state does not change.
No foreign key points at this table and it has no history table. Reversible: the reverse
rebuilds one plain table the same way.
"""

from django.db import migrations

from opsportal.partitions import partition_by_month, unpartition

TABLE, KEY = "challenges_challengemetricsnapshot", "captured_at"


class Migration(migrations.Migration):
    dependencies = [
        ("challenges", "0005_alter_challenge_country_and_more"),
    ]

    operations = [
        migrations.RunPython(partition_by_month(TABLE, KEY), unpartition(TABLE, KEY), elidable=False),
    ]
