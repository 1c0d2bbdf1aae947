"""Reports, exports, search and HQ's overview on a real streaming replica, and lag handled.

Run by ``bash scripts/replica.sh`` (tests/replica/cluster.py starts the primary and the standby);
anywhere else these tests are left out (marker ``replica``). The data is committed on the primary
(transactional tests), so what the replica answers is what it replayed, never the test's own
uncommitted rows.
"""

from __future__ import annotations

import logging
import time

import pytest
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from challenges.models import Challenge
from opsportal import db_router
from opsportal.db_router import PRIMARY, REPLICA, Reads, heavy_reads
from reports import figures, services
from tests import factories as f
from tests.conftest import skip_or_fail
from tests.opsportal.test_reports_indonesia import WEEK, build_week

pytestmark = [pytest.mark.replica, pytest.mark.django_db(transaction=True, databases="__all__")]


def replica_sql(sql: str):
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


@pytest.fixture(autouse=True)
def streaming_replica(settings):
    if REPLICA not in connections:
        skip_or_fail("needs DATABASE_REPLICA_URL naming a streaming replica (bash scripts/replica.sh)")
    if not replica_sql("SELECT pg_is_in_recovery()"):
        skip_or_fail("DATABASE_REPLICA_URL is not a standby (pg_is_in_recovery() is false)")
    settings.OPSPORTAL_REPLICA_WAIT = 1.0
    db_router._impatient_until = 0.0  # each test starts patient, whatever the one before saw
    yield
    replica_sql("SELECT pg_wal_replay_resume()::text")


def pause_replay():
    replica_sql("SELECT pg_wal_replay_pause()::text")
    deadline = time.monotonic() + 10
    while replica_sql("SELECT pg_get_wal_replay_pause_state()") != "paused":
        assert time.monotonic() < deadline, "the replica did not pause its replay"
        time.sleep(0.05)


def selects(captured) -> list[str]:
    """The figure queries a connection ran (not the lag check's WAL position)."""
    return [q["sql"] for q in captured.captured_queries if "pg_last_wal_replay_lsn" not in q["sql"]]


@pytest.fixture
def week(indonesia, thailand, id_operator):
    build_week(indonesia, thailand, id_operator)
    return WEEK


def test_a_country_report_is_built_on_the_replica_with_the_primary_s_figures(indonesia, week):
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        from_replica = services.build_country_report(indonesia, week)
    # Inside a write transaction the primary answers.
    with transaction.atomic(), CaptureQueriesContext(connections[REPLICA]) as none:
        from_primary = services.build_country_report(indonesia, week)
    assert len(selects(on_replica)) == figures.COUNTRY_QUERIES
    assert selects(none) == []
    assert from_replica == from_primary
    assert from_replica["challenges"]["live"] >= 1


def test_hq_s_report_reads_the_country_report_stored_a_moment_before(indonesia, thailand, week):
    services.weekly_report_dispatch(indonesia, week)  # committed on the primary just now
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        dispatch = services.hq_report_dispatch(week)
    assert selects(on_replica), "HQ's figures were not read from the replica"
    rows = {row["code"]: row for row in dispatch.report.data["countries"]}
    assert rows["ID"]["available"] is True and rows["TH"]["available"] is False


def test_a_paused_replica_makes_the_report_wait_then_read_the_primary_never_stale(indonesia, week, caplog, monkeypatch):
    before = services.build_country_report(indonesia, week)
    pause_replay()
    f.ChallengeFactory(country=indonesia, status="live", title="Launched while the replica lags")
    replica_log = caplog.at_level(logging.WARNING, logger="opsportal.replica")
    with replica_log, CaptureQueriesContext(connections[REPLICA]) as on_replica:
        started = time.monotonic()
        lagging = services.build_country_report(indonesia, week)
        waited = time.monotonic() - started
    assert selects(on_replica) == []  # only the lag checks reached the replica
    assert waited >= 1.0  # it waited for the replica (OPSPORTAL_REPLICA_WAIT) before giving up
    assert "bytes behind after waiting" in caplog.text and "report reads from the primary" in caplog.text
    assert lagging["challenges"]["live"] == before["challenges"]["live"] + 1  # the new challenge is in
    replica_sql("SELECT pg_wal_replay_resume()::text")
    monkeypatch.setattr(db_router, "_impatient_until", 0.0)  # as 30 s later: the next report waits again
    with heavy_reads(Reads.REPORT) as reads:
        assert reads.alias == REPLICA  # caught up again within the wait
        assert services.build_country_report(indonesia, week) == lagging


def test_exports_read_the_replica_and_keep_the_country_scope(indonesia, thailand, th_operator):
    f.InfluencerFactory(country=indonesia, name="Only in Indonesia")
    f.InfluencerFactory(country=thailand, name="Only in Thailand")
    client = Client()
    client.force_login(th_operator)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = client.get(reverse("exports:list", args=["influencers", "csv"]))
        body = response.getvalue().decode()
    assert response.status_code == 200
    assert "Only in Thailand" in body and "Only in Indonesia" not in body
    assert any("influencers_influencer" in sql for sql in selects(on_replica))
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = client.get(reverse("exports:handover", args=["TH"]))
    assert response.status_code == 200 and selects(on_replica)
    assert client.get(reverse("exports:handover", args=["ID"])).status_code == 404


def test_search_and_hq_s_overview_read_the_replica(indonesia, thailand, id_operator, superuser):
    f.InfluencerFactory(country=indonesia, name="Replica dancer")
    client = Client()
    client.force_login(id_operator)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        page = client.get(reverse("portal:search") + "?q=dancer").content.decode()
    assert "Replica dancer" in page and selects(on_replica)
    client.force_login(superuser)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert client.get(reverse("portal:hq_overview")).status_code == 200
    assert any("challenges_challenge" in sql for sql in selects(on_replica))


def test_a_save_and_its_page_never_read_the_replica_and_search_after_it_finds_the_record(indonesia, id_operator):
    challenge = f.ChallengeFactory(country=indonesia, title="Before the save")
    client = Client()
    client.force_login(id_operator)
    pause_replay()  # anything read from the replica from now on would be stale
    data = {"hashtag": challenge.hashtag, "title": "Saved while the replica lags", "format": challenge.format}
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = client.post(reverse("challenges:edit", args=[challenge.pk]), data, follow=True)
    assert response.status_code == 200 and "Saved while the replica lags" in response.content.decode()
    assert on_replica.captured_queries == []
    # Search waits a quarter of a second for the paused replica, then asks the primary.
    page = client.get(reverse("portal:search") + "?q=lags").content.decode()
    assert "Saved while the replica lags" in page
    assert Challenge.objects.get(pk=challenge.pk).title == "Saved while the replica lags"


def test_the_lag_check_is_one_query_on_each_server(indonesia):
    """Prints what the check costs and how long a write takes to reach the replica (docs/reliability.md)."""
    idle, after_write, idle_looks = [], [], []
    for n in range(30):
        primary, replica = CaptureQueriesContext(connections[PRIMARY]), CaptureQueriesContext(connections[REPLICA])
        with primary as on_primary, replica as on_replica, heavy_reads(Reads.REPORT) as reads:
            assert reads.alias == REPLICA
        assert len(on_primary) == 1  # one position, whatever the replica needs
        assert all("pg_last_wal_replay_lsn" in q["sql"] for q in on_replica.captured_queries)
        idle.append(reads.waited)
        idle_looks.append(len(on_replica))
        f.InfluencerFactory(country=indonesia, name=f"Written just before {n}")
        with heavy_reads(Reads.REPORT) as reads:
            assert reads.alias == REPLICA
        after_write.append(reads.waited)
    # An idle primary still writes a little WAL of its own (a standby snapshot every 15 s, a
    # full page for a hint bit), so now and then the replica needs a second look: not the rule.
    idle_looks.sort()
    assert idle_looks[15] == 1
    idle.sort()
    after_write.sort()
    print(
        f"\nlag check, replica idle: median {idle[15] * 1000:.2f} ms, max {idle[-1] * 1000:.2f} ms; "
        f"right after a write: median {after_write[15] * 1000:.2f} ms, max {after_write[-1] * 1000:.2f} ms"
    )
