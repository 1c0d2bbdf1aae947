"""The queue between a bulk batch of follower counts and its influencers' figures.

A batch writes snapshots and accounts' counts, and queues its influencers in the same
transaction; the task its commit sends (or the beat's drain, when that task was lost) brings
their totals, crossovers and week's gains up to date. Nothing is lost and nothing is refreshed
from counts a batch has not committed.
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest

from influencers import follower_totals, tasks
from influencers.followers import drain_follower_refreshes, ingest_follower_rows
from influencers.models import FollowerRefresh, FollowerSnapshot, Influencer
from tests import factories as f

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 1)


def _row(account, day: dt.date, count: int) -> dict:
    return {"platform": account.platform, "handle": account.handle, "date": str(day), "followers": count}


@pytest.fixture
def kaykai(indonesia):
    influencer = f.InfluencerFactory(country=indonesia, name="Kaykai Salaider", is_core=True)
    youtube = f.PlatformAccountFactory(influencer=influencer, platform="youtube", handle="kaykai")
    tiktok = f.PlatformAccountFactory(influencer=influencer, platform="tiktok", handle="kaykai")
    return influencer, youtube, tiktok


@pytest.fixture(params=["postgresql", "sqlite"])
def path(request, monkeypatch):
    """Both ingestion paths: the set-based statement, and the portable one (as on SQLite)."""
    from django.db import connection

    if request.param == "sqlite":
        monkeypatch.setattr(connection, "vendor", "sqlite")
    elif connection.vendor != "postgresql":
        pytest.skip("the set-based statement is PostgreSQL's")
    return request.param


def test_a_batch_queues_its_influencers_and_its_commit_refreshes_them(kaykai, path, django_capture_on_commit_callbacks):
    influencer, youtube, tiktok = kaykai
    with django_capture_on_commit_callbacks() as after_commit:
        ingest_follower_rows([_row(youtube, DAY, 5_000_000), _row(tiktok, DAY, 6_000_000)])
    youtube.refresh_from_db()
    assert youtube.followers == 5_000_000  # the accounts' counts move with the batch
    assert Influencer.objects.get(pk=influencer.pk).total_followers == 0
    assert list(FollowerRefresh.objects.values_list("influencer_id", "since")) == [(influencer.pk, DAY)]
    assert len(after_commit) == 1
    after_commit[0]()  # the task, run eagerly
    influencer.refresh_from_db()
    assert (influencer.total_followers, influencer.crossed_over_on) == (11_000_000, DAY)
    assert not FollowerRefresh.objects.exists()


def test_batches_waiting_together_keep_the_earliest_date(kaykai, path):
    influencer, youtube, tiktok = kaykai
    ingest_follower_rows([_row(youtube, DAY, 5_000_000), _row(tiktok, DAY, 1_000)])
    late = DAY - dt.timedelta(days=9)
    ingest_follower_rows([_row(youtube, late, 10), _row(tiktok, late, 9_000_000)])  # late rows, earlier
    ingest_follower_rows([_row(tiktok, DAY + dt.timedelta(days=1), 1_500)])
    assert list(FollowerRefresh.objects.values_list("since", flat=True)) == [late]
    assert drain_follower_refreshes() == 1
    influencer.refresh_from_db()
    # The late rows made TikTok lead first on their date: the drain judged from that date on.
    assert influencer.crossed_over_on == late
    assert influencer.total_followers == 5_000_000 + 1_500


def test_a_lost_task_is_caught_up_by_the_beat(kaykai, django_capture_on_commit_callbacks, caplog):
    influencer, youtube, _tiktok = kaykai
    with (
        mock.patch.object(tasks.refresh_queued_followers, "delay", side_effect=OSError("broker away")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        ingest_follower_rows([_row(youtube, DAY, 700)])
    assert "the beat's drain will run it" in caplog.text
    assert Influencer.objects.get(pk=influencer.pk).total_followers == 0
    assert tasks.refresh_queued_followers() == 1  # what the beat runs every minute
    assert Influencer.objects.get(pk=influencer.pk).total_followers == 700
    assert tasks.refresh_queued_followers() == 0


def test_the_drain_works_in_transactions_of_a_bounded_size(indonesia):
    accounts = [f.PlatformAccountFactory(influencer__country=indonesia, platform="youtube") for _ in range(5)]
    ingest_follower_rows([_row(a, DAY, 100 + n) for n, a in enumerate(accounts)])
    refresh_influencers = follower_totals._refresh_influencers
    with mock.patch.object(follower_totals, "_refresh_influencers", wraps=refresh_influencers) as refresh:
        assert drain_follower_refreshes(limit=2) == 5
    assert [len(call.args[0]) for call in refresh.call_args_list] == [2, 2, 1]
    assert sorted(Influencer.objects.values_list("total_followers", flat=True)) == [100, 101, 102, 103, 104]


def test_a_rejected_batch_queues_nothing(kaykai, indonesia):
    _influencer, youtube, _tiktok = kaykai
    with pytest.raises(Exception, match="rows"):
        ingest_follower_rows([_row(youtube, DAY, 1), {**_row(youtube, DAY, 2), "handle": "nobody"}])
    assert not FollowerRefresh.objects.exists()


def test_a_deleted_influencer_leaves_the_queue(kaykai):
    influencer, youtube, _tiktok = kaykai
    ingest_follower_rows([_row(youtube, DAY, 1)])
    assert FollowerRefresh.objects.filter(pk=influencer.pk).exists()
    FollowerSnapshot.objects.all().delete()
    influencer.accounts.all().delete()
    Influencer._base_manager.filter(pk=influencer.pk).delete()
    assert not FollowerRefresh.objects.exists()
    assert drain_follower_refreshes() == 0
