"""Follower counts partitioned by month on PostgreSQL (issue 16); nothing happens on SQLite.

Why: three million accounts with a count a day is a billion rows a year. Monthly partitions keep
a month's rows and indexes together for the weekly gains (two probes per account on
(account, date)) and let an old month be detached or dropped whole later.

How: the same rebuild as challenges/0006_metric_snapshots_partitioned (opsportal.partitions):
one partition per month holding rows plus the coming months, a DEFAULT partition so no count is
ever refused, rows copied under a write lock (reads go on), one swap of names. The database's
primary key becomes (id, date), Django keeps ``id``; the unique (account, date) that the follower
batch's ON CONFLICT names already holds the key. No foreign key points at this table and it has
no history table. Reversible.
"""

from django.db import migrations

from opsportal.partitions import partition_by_month, unpartition

TABLE, KEY = "influencers_followersnapshot", "date"


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0006_alter_historicalinfluencer_country_and_more"),
    ]

    operations = [
        migrations.RunPython(partition_by_month(TABLE, KEY), unpartition(TABLE, KEY), elidable=False),
    ]
