"""Monthly partitions of the snapshot tables: made by the migrations, kept ahead by a beat task."""

import datetime as dt
import logging

import pytest
from django.core.management import call_command
from django.db import connection

from challenges.metrics import ingest_metric_rows
from challenges.models import ChallengeMetricSnapshot
from influencers.models import FollowerSnapshot
from opsportal.partitions import PartitionReport, partitions_ensure
from opsportal.tasks import partitions_ensure as partitions_ensure_task
from tests import factories as f

pytestmark = pytest.mark.django_db

METRICS, FOLLOWERS = "challenges_challengemetricsnapshot", "influencers_followersnapshot"
postgresql = pytest.mark.postgresql(reason="declarative partitions")


def one(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def home_of(table, pk):
    return one(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [pk])[0][0]


@postgresql
def test_both_snapshot_tables_are_partitioned_by_month_with_a_default():
    partitioned = dict(
        one(
            "SELECT c.relname, pg_get_partkeydef(c.oid) FROM pg_partitioned_table p "
            "JOIN pg_class c ON c.oid = p.partrelid"
        )
    )
    assert partitioned[METRICS] == "RANGE (captured_at)"
    assert partitioned[FOLLOWERS] == "RANGE (date)"
    keys = dict(
        one(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid IN (%s::regclass, %s::regclass) AND contype IN ('p', 'u')",
            [METRICS, FOLLOWERS],
        )
    )
    # The names Django's later migrations and the upserts' ON CONFLICT rely on.
    assert keys == {
        f"{METRICS}_pkey": "PRIMARY KEY (id, captured_at)",
        "metric_snapshot_one_per_moment": "UNIQUE (challenge_id, captured_at)",
        f"{FOLLOWERS}_pkey": "PRIMARY KEY (id, date)",
        "follower_snapshot_one_per_day": "UNIQUE (account_id, date)",
    }
    this_month = dt.datetime.now(dt.UTC).date().replace(day=1)
    for table in (METRICS, FOLLOWERS):
        children = {
            r[0]
            for r in one("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass", [table])
        }
        assert {f"{table}_default", f"{table}_p{this_month:%Y_%m}"} <= children
        assert one("SELECT pg_get_serial_sequence(%s, 'id')", [table])[0][0] == f"public.{table}_id_seq"


@postgresql
def test_the_task_creates_the_coming_months_once(settings):
    settings.OPSPORTAL_PARTITION_MONTHS_AHEAD = 2
    report = partitions_ensure(today=dt.date(2031, 11, 20))
    months = ["2031_11", "2031_12", "2032_01"]
    assert sorted(report.created) == sorted(f"{t}_p{m}" for t in (METRICS, FOLLOWERS) for m in months)
    assert partitions_ensure(today=dt.date(2031, 11, 20)).created == []
    partitions_ensure_task.delay().get()  # beat's run: from this month on
    month = dt.datetime.now(dt.UTC).date().replace(day=1)
    for _ in range(3):
        assert one("SELECT to_regclass(%s)", [f"{METRICS}_p{month:%Y_%m}"])[0][0] is not None
        month = (month + dt.timedelta(days=32)).replace(day=1)


@postgresql
def test_a_row_of_a_month_without_partition_waits_in_default_then_moves_to_its_month(indonesia):
    challenge = f.ChallengeFactory(country=indonesia, hashtag="far")
    result = ingest_metric_rows(
        [{"country": "ID", "hashtag": "far", "captured_at": "2019-03-10T05:00:00Z", "views": 7}]
    )
    assert (result.created, result.updated) == (1, 0)
    snapshot = ChallengeMetricSnapshot.objects.get(challenge=challenge)
    assert home_of(METRICS, snapshot.pk) == f"{METRICS}_default"
    account = f.PlatformAccountFactory(influencer__country=indonesia)
    count = f.FollowerSnapshotFactory(account=account, date=dt.date(2019, 3, 31), followers=5)
    assert home_of(FOLLOWERS, count.pk) == f"{FOLLOWERS}_default"

    report = partitions_ensure(months_ahead=0)

    assert report.moved == {f"{METRICS}_p2019_03": 1, f"{FOLLOWERS}_p2019_03": 1}
    assert home_of(METRICS, snapshot.pk) == f"{METRICS}_p2019_03"
    assert home_of(FOLLOWERS, count.pk) == f"{FOLLOWERS}_p2019_03"
    moved = ChallengeMetricSnapshot.objects.get(pk=snapshot.pk)  # same id, same numbers
    assert (moved.captured_at, moved.views) == (snapshot.captured_at, 7)
    assert FollowerSnapshot.objects.get(pk=count.pk).followers == 5
    # The upsert finds it in its new home: an update, not a second row.
    again = ingest_metric_rows([{"country": "ID", "hashtag": "far", "captured_at": "2019-03-10T05:00:00Z", "views": 8}])
    assert (again.created, again.updated) == (0, 1)
    assert ChallengeMetricSnapshot.objects.filter(challenge=challenge).count() == 1


@postgresql
def test_a_month_overlapping_another_partition_is_refused_and_logged(indonesia, caplog):
    one(
        f"CREATE TABLE {METRICS}_odd PARTITION OF {METRICS} "
        "FOR VALUES FROM ('2019-05-15 00:00+00') TO ('2019-06-15 00:00+00')"
    )
    snapshot = f.MetricSnapshotFactory(
        challenge__country=indonesia, captured_at=dt.datetime(2019, 6, 20, tzinfo=dt.UTC)
    )
    assert home_of(METRICS, snapshot.pk) == f"{METRICS}_default"
    with caplog.at_level(logging.ERROR, logger="opsportal.partitions"):
        report = partitions_ensure(months_ahead=0)
    assert report.refused == [f"{METRICS}_p2019_06"]
    assert "overlap" in caplog.text
    assert home_of(METRICS, snapshot.pk) == f"{METRICS}_default"  # kept where it was, not lost


def test_on_sqlite_there_is_nothing_to_partition():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's behaviour")
    assert partitions_ensure() == PartitionReport()
    call_command("ensure_partitions")


@postgresql
def test_the_rebuild_runs_both_ways_keeping_rows_ids_names_and_the_sequence(indonesia):
    from opsportal.partitions import partition_by_month, unpartition

    challenge = f.ChallengeFactory(country=indonesia)
    for moment in ("2019-01-31T23:00:00Z", "2019-02-01T00:00:00Z", "2019-04-15T12:00:00Z"):
        f.MetricSnapshotFactory(challenge=challenge, captured_at=dt.datetime.fromisoformat(moment))
    before = sorted(ChallengeMetricSnapshot.objects.values_list("id", "captured_at", "views"))
    one("SET CONSTRAINTS ALL IMMEDIATE")  # a migration starts with no deferred checks pending
    names = {r[0] for r in one("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass", [METRICS])}

    with connection.schema_editor() as editor:
        unpartition(METRICS, "captured_at")(None, editor)
    assert one("SELECT relkind FROM pg_class WHERE relname = %s", [METRICS]) == [("r",)]
    assert one("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %s", [f"{METRICS}_pkey"]) == [
        ("PRIMARY KEY (id)",)
    ]
    with connection.schema_editor() as editor:
        partition_by_month(METRICS, "captured_at")(None, editor)

    assert sorted(ChallengeMetricSnapshot.objects.values_list("id", "captured_at", "views")) == before
    assert {home_of(METRICS, pk) for pk, *_ in before} == {
        f"{METRICS}_p2019_01",
        f"{METRICS}_p2019_02",
        f"{METRICS}_p2019_04",
    }
    assert {r[0] for r in one("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass", [METRICS])} == names
    newest = f.MetricSnapshotFactory(challenge=challenge)
    assert newest.pk > max(pk for pk, *_ in before)  # the identity sequence went on where it was


@postgresql
def test_a_busy_table_is_skipped_for_the_next_run_not_failed(monkeypatch, caplog):
    from django.db import OperationalError

    from opsportal import partitions

    def locked(monthly, month, report):
        raise OperationalError("canceling statement due to lock timeout")

    monkeypatch.setattr(partitions, "_partition_month", locked)
    report = partitions_ensure(months_ahead=0)
    assert len(report.busy) == 2 and report.created == []
    assert "skipped this time" in caplog.text
