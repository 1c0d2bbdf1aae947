"""The read-replica router (opsportal/db_router.py) without a replica: its decisions, a fake lag,
and which doors' reads it sends where. The real streaming replica: tests/replica/ (scripts/replica.sh).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError, connections, transaction
from django.urls import reverse

from challenges.models import Challenge
from opsportal import db_router
from opsportal.db_router import PRIMARY, REPLICA, Reads, ReplicaRouter, heavy_reads
from reports import services as reports
from tests import factories as f

pytestmark = pytest.mark.django_db

router = ReplicaRouter()


class FakeReplica:
    """Stands in for ``DATABASE_REPLICA_URL``: the router installed, a replica as many bytes behind
    as ``lag`` says (one value per check, the last repeated), the primary's connection in a write
    transaction only inside an ``atomic()`` of the test itself (not the test's wrapping one).

    Reads routed to the replica are recorded and served by the primary, as a test mirror would."""

    def __init__(self, monkeypatch, settings):
        self.lag = [0]
        self.checks = 0  # how often the replica was asked how far it has replayed
        self.routed: list[tuple[str, str]] = []  # (model label, alias the router chose)
        self.decisions: list[db_router.Decision] = []
        settings.DATABASE_ROUTERS = ["opsportal.db_router.ReplicaRouter"]
        settings.OPSPORTAL_REPLICA_WAIT = 0.05
        depth = len(connections[PRIMARY].atomic_blocks)
        monkeypatch.setattr(db_router, "_impatient_until", 0.0)
        monkeypatch.setattr(db_router, "replica_configured", lambda: True)
        monkeypatch.setattr(db_router, "in_write_transaction", lambda: len(connections[PRIMARY].atomic_blocks) > depth)
        monkeypatch.setattr(db_router, "primary_position", lambda: "0/2000")
        monkeypatch.setattr(db_router, "replica_behind", self._behind)
        decide, read = db_router._decide, ReplicaRouter.db_for_read

        def recorded_decide(purpose):
            self.decisions.append(decide(purpose))
            return self.decisions[-1]

        def recorded_read(router_self, model, **hints):
            alias = read(router_self, model, **hints)
            self.routed.append((model._meta.label, alias))
            return PRIMARY

        monkeypatch.setattr(db_router, "_decide", recorded_decide)
        monkeypatch.setattr(ReplicaRouter, "db_for_read", recorded_read)

    def _behind(self, position):
        self.checks += 1
        value = self.lag.pop(0) if len(self.lag) > 1 else self.lag[0]
        if isinstance(value, Exception):
            raise value
        return value

    def replica_reads(self) -> list[str]:
        return [label for label, alias in self.routed if alias == REPLICA]


@pytest.fixture
def replica(monkeypatch, settings):
    return FakeReplica(monkeypatch, settings)


# --- Settings -------------------------------------------------------------------------------------
def _settings_with(tmp_path, **env) -> subprocess.CompletedProcess:
    code = (
        "import json; from opsportal import settings as s; "
        "print(json.dumps({'replica': s.DATABASES.get('replica'), 'routers': getattr(s, 'DATABASE_ROUTERS', [])}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_SETTINGS"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "OPSPORTAL_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_replica_is_configured_read_only_and_mirrored_in_tests(tmp_path):
    out = _settings_with(
        tmp_path,
        DATABASE_URL="postgres://ops@primary:5432/opsportal",
        DATABASE_REPLICA_URL="postgres://ops@standby:5432/opsportal",
    )
    configured = json.loads(out.stdout)
    assert configured["routers"] == ["opsportal.db_router.ReplicaRouter"]
    assert configured["replica"]["HOST"] == "standby" and configured["replica"]["TEST"] == {"MIRROR": "default"}
    assert "default_transaction_read_only=on" in configured["replica"]["OPTIONS"]["options"]


def test_without_the_variable_there_is_no_replica_and_no_router(tmp_path):
    assert json.loads(_settings_with(tmp_path).stdout) == {"replica": None, "routers": []}


def test_a_replica_needs_postgresql(tmp_path):
    out = _settings_with(tmp_path, DATABASE_REPLICA_URL="postgres://ops@standby:5432/opsportal")
    assert out.returncode != 0 and "DATABASE_REPLICA_URL needs PostgreSQL" in out.stderr


# --- The router ---------------------------------------------------------------------------------
def test_without_a_replica_everything_reads_and_writes_the_primary(monkeypatch, settings):
    monkeypatch.delitem(settings.DATABASES, REPLICA, raising=False)  # no DATABASE_REPLICA_URL
    assert not db_router.replica_configured()
    with heavy_reads(Reads.REPORT) as reads:
        assert (reads.alias, reads.reason) == (PRIMARY, "no replica")
        assert router.db_for_read(Challenge) == PRIMARY
    assert router.db_for_write(Challenge) == PRIMARY


def test_heavy_reads_go_to_the_replica_only_inside_the_context(replica):
    assert router.db_for_read(Challenge) == PRIMARY
    with heavy_reads(Reads.EXPORT) as reads:
        assert (reads.alias, reads.reason) == (REPLICA, "caught up")
        assert db_router.current_reads() is reads
    assert db_router.current_reads() is None


def test_writes_and_migrations_stay_on_the_primary_even_inside_the_context(replica):
    with heavy_reads(Reads.REPORT) as reads:
        assert reads.alias == REPLICA
        assert router.db_for_write(Challenge) == PRIMARY
    assert router.allow_migrate(PRIMARY, "challenges") is True
    assert router.allow_migrate(REPLICA, "challenges") is False
    assert router.allow_relation(object(), object()) is True


def test_sessions_are_read_from_the_primary_inside_the_context(replica, indonesia):
    with heavy_reads(Reads.PAGE):
        Session.objects.filter(session_key="x").first()
        Challenge.objects.filter(country=indonesia).first()
    assert ("sessions.Session", PRIMARY) in replica.routed
    assert ("challenges.Challenge", REPLICA) in replica.routed


def test_reads_inside_a_write_transaction_stay_on_the_primary(replica):
    with transaction.atomic(), heavy_reads(Reads.REPORT) as reads:
        assert (reads.alias, reads.reason) == (PRIMARY, "in a transaction")


def test_a_nested_block_keeps_the_outer_decision(replica):
    with heavy_reads(Reads.REPORT) as outer:
        replica.lag = [10_000]  # would fall back if asked again
        with heavy_reads(Reads.PAGE) as inner:
            assert inner is outer
    assert len(replica.decisions) == 1


# --- Lag ----------------------------------------------------------------------------------------
def test_a_replica_catching_up_within_the_wait_is_read(replica):
    replica.lag = [4096, 512, 0]
    with heavy_reads(Reads.REPORT) as reads:
        assert (reads.alias, reads.reason) == (REPLICA, "caught up")
        assert reads.waited > 0


def test_a_replica_still_behind_after_the_wait_falls_back_to_the_primary_and_says_so(replica, caplog):
    replica.lag = [10_000]
    with caplog.at_level(logging.WARNING, logger="opsportal.replica"), heavy_reads(Reads.REPORT) as reads:
        assert (reads.alias, reads.reason, reads.fell_back) == (PRIMARY, "behind", True)
        assert router.db_for_read(Challenge) == PRIMARY
    assert reads.waited >= 0.05
    assert "replica 10000 bytes behind" in caplog.text and "report reads from the primary" in caplog.text


def test_after_a_fallback_blocks_look_once_without_waiting_for_a_while(replica, monkeypatch):
    replica.lag = [10_000]
    with heavy_reads(Reads.REPORT) as first:
        assert first.reason == "behind"
    assert replica.checks > 1  # it polled until the wait ran out
    replica.checks = 0
    with heavy_reads(Reads.REPORT) as second:
        assert second.reason == "behind"
    assert replica.checks == 1  # one look, no wait: 150 reports do not wait 5 s each
    replica.lag = [0]
    with heavy_reads(Reads.REPORT) as caught_up:
        assert caught_up.alias == REPLICA  # a replica that caught up is read again at once
    monkeypatch.setattr(db_router, "_impatient_until", 0.0)  # the while is over
    replica.lag, replica.checks = [10_000], 0
    with heavy_reads(Reads.REPORT):
        assert replica.checks > 1


def test_an_unreachable_replica_falls_back_to_the_primary(replica, caplog):
    replica.lag = [OperationalError("connection refused")]
    with caplog.at_level(logging.WARNING, logger="opsportal.replica"), heavy_reads(Reads.EXPORT) as reads:
        assert (reads.alias, reads.reason) == (PRIMARY, "unreachable")
    assert "replica unreachable" in caplog.text


def test_a_page_waits_a_quarter_of_a_second_at_most(settings):
    settings.OPSPORTAL_REPLICA_WAIT = 5
    assert db_router.max_wait(Reads.PAGE) == db_router.PAGE_WAIT == 0.25
    assert db_router.max_wait(Reads.REPORT) == db_router.max_wait(Reads.EXPORT) == 5


# --- Which doors read where -----------------------------------------------------------------------
@pytest.fixture
def world(indonesia, thailand):
    f.InfluencerFactory(country=indonesia, name="Dance creator")
    f.InfluencerFactory(country=thailand, name="Dance creator of Thailand")
    return {"country": indonesia, "challenge": f.ChallengeFactory(country=indonesia, title="Island dance")}


def test_a_portal_save_and_the_page_after_it_are_never_routed_to_the_replica(replica, client, world, id_operator):
    challenge = world["challenge"]
    client.force_login(id_operator)
    data = {"hashtag": challenge.hashtag, "title": "Saved just now", "format": challenge.format}
    response = client.post(reverse("challenges:edit", args=[challenge.pk]), data, follow=True)
    assert response.status_code == 200 and "Saved just now" in response.content.decode()
    assert replica.routed and replica.replica_reads() == []
    assert replica.decisions == []


def test_search_hq_overview_exports_and_reports_read_from_the_replica(replica, client, world, id_lead, superuser):
    client.force_login(id_lead)
    for url in (
        reverse("portal:search") + "?q=dance",
        reverse("exports:handover", args=["ID"]),
        reverse("exports:list", args=["challenges", "csv"]),
        reverse("exports:list", args=["influencers", "xlsx"]),
    ):
        replica.routed.clear()
        response = client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            response.getvalue()  # a CSV's rows are read while it streams
        assert {"challenges.Challenge", "influencers.Influencer"} & set(replica.replica_reads()), url
    client.force_login(superuser)
    replica.routed.clear()
    assert client.get(reverse("portal:hq_overview")).status_code == 200
    assert "challenges.Challenge" in replica.replica_reads()
    assert {d.alias for d in replica.decisions} == {REPLICA}


def test_a_report_is_built_on_the_replica_and_refreshed_under_its_lock_on_the_primary(replica, world):
    country = world["country"]
    reports.weekly_report_dispatch(country, "2026-W10")
    assert [d.reason for d in replica.decisions] == ["caught up"]  # no HQ report stored yet: nothing to refresh
    assert reports.hq_report_dispatch("2026-W10").report is not None
    replica.decisions.clear()
    reports.hq_report_refresh("2026-W10")
    assert [(d.alias, d.reason) for d in replica.decisions] == [(PRIMARY, "in a transaction")]
