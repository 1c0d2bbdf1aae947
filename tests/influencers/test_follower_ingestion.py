"""Follower ingestion's cached figures: accounts' latest counts, influencers' totals and crossover.

The PostgreSQL path moves an account's count in the statement that writes its snapshots and
judges the crossover from the cached counts when a batch is the latest; these tests hold it to
the plain rules (``first_crossover``, the latest snapshot, the sum of the accounts) over daily
feeds, corrections and late rows, on both databases.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from influencers import followers
from influencers.followers import first_crossover
from influencers.models import FollowerSnapshot, Influencer, PlatformAccount
from tests import factories as f
from tests.api.conftest import client_for, make_token
from tests.followers import ingest_counts

pytestmark = pytest.mark.django_db

START = dt.date(2026, 1, 1)


def _row(account, day: dt.date, count: int) -> dict:
    return {"platform": account.platform, "handle": account.handle, "date": str(day), "followers": count}


def _assert_cached_figures_hold() -> None:
    for account in PlatformAccount.objects.all():
        latest = FollowerSnapshot.objects.filter(account=account).order_by("-date").first()
        assert (account.followers, account.followers_on) == (
            (latest.followers, latest.date) if latest else (0, None)
        ), account.pk
    for influencer in Influencer.objects.all():
        total = influencer.accounts.aggregate(total=Sum("followers"))["total"] or 0
        assert influencer.total_followers == total, influencer.pk
        assert influencer.crossed_over_on == first_crossover(influencer.pk), influencer.pk


@pytest.fixture
def creators(indonesia):
    rng = random.Random(16)
    accounts = []
    for n in range(12):
        influencer = f.InfluencerFactory(country=indonesia)
        for platform in ("tiktok", "youtube", "instagram")[: rng.randint(1, 3)]:
            accounts.append(f.PlatformAccountFactory(influencer=influencer, platform=platform, handle=f"{platform}{n}"))
    return rng, accounts


def test_daily_feeds_corrections_and_late_rows_keep_every_cached_figure(creators):
    rng, accounts = creators
    for day in range(8):  # a daily feed: each batch is the latest count of (most of) the accounts
        batch = [_row(a, START + dt.timedelta(days=day), rng.randint(0, 1000)) for a in accounts if rng.random() < 0.8]
        ingest_counts(batch)
        _assert_cached_figures_hold()
    # Corrections in the past, some of them with the latest day too: crossovers move back and forth.
    for _round in range(4):
        batch = [_row(a, START + dt.timedelta(days=rng.randint(0, 8)), rng.randint(0, 1000)) for a in accounts]
        batch = list({(r["platform"], r["date"]): r for r in batch}.values())
        ingest_counts(batch)
        _assert_cached_figures_hold()


def test_a_late_row_does_not_move_an_account_back(indonesia):
    account = f.PlatformAccountFactory(influencer__country=indonesia, platform="youtube", handle="kaykai")
    ingest_counts([_row(account, START + dt.timedelta(days=5), 500)])
    ingest_counts([_row(account, START, 900)])
    account.refresh_from_db()
    assert (account.followers, account.followers_on) == (500, START + dt.timedelta(days=5))
    assert Influencer.objects.get(pk=account.influencer_id).total_followers == 500


def test_a_moved_count_bumps_the_account_and_its_influencer_for_syncs(indonesia):
    account = f.PlatformAccountFactory(influencer__country=indonesia, platform="youtube", handle="kaykai")
    long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    PlatformAccount.objects.filter(pk=account.pk).update(updated_at=long_ago)
    Influencer.objects.filter(pk=account.influencer_id).update(updated_at=long_ago)
    ingest_counts([_row(account, START, 10)])
    assert PlatformAccount.objects.get(pk=account.pk).updated_at > long_ago
    assert Influencer.objects.get(pk=account.influencer_id).updated_at > long_ago
    # A replay changes nothing, so it bumps nothing.
    PlatformAccount.objects.filter(pk=account.pk).update(updated_at=long_ago)
    Influencer.objects.filter(pk=account.influencer_id).update(updated_at=long_ago)
    assert ingest_counts([_row(account, START, 10)]).unchanged == 1
    assert PlatformAccount.objects.get(pk=account.pk).updated_at == long_ago
    assert Influencer.objects.get(pk=account.influencer_id).updated_at == long_ago


def test_rows_of_other_countries_are_named_and_nothing_is_written(indonesia, thailand):
    from locales.models import Role

    mine = f.PlatformAccountFactory(influencer__country=indonesia, platform="youtube", handle="kaykai")
    theirs = f.PlatformAccountFactory(influencer__country=thailand, platform="youtube", handle="somchai")
    rows = [_row(mine, START, 1), _row(theirs, START, 2)]
    key, _token = make_token([indonesia])
    response = client_for(key).post("/api/v1/follower-snapshots/bulk/", {"rows": rows}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["rows[1].handle"]
    # A country the caller may only read: refused, with the row named.
    user = f.UserFactory(username="mixed")
    f.MembershipFactory(user=user, country=indonesia, role=Role.OPERATOR)
    f.MembershipFactory(user=user, country=thailand, role=Role.VIEWER)
    response = client_for(user=user).post("/api/v1/follower-snapshots/bulk/", {"rows": rows}, format="json")
    assert response.status_code == 400
    assert "may not write" in response.json()["errors"]["rows[1].handle"][0]
    assert not FollowerSnapshot.objects.exists()
    assert PlatformAccount.objects.get(pk=mine.pk).followers == 0


@pytest.mark.postgresql(reason="the one-statement upsert that can race is PostgreSQL's; SQLite writes row by row")
def test_an_account_appearing_mid_batch_asks_to_send_again(indonesia, monkeypatch):
    account = f.PlatformAccountFactory(influencer__country=indonesia, platform="youtube", handle="kaykai")
    real = followers._upsert_postgresql

    def one_row_short(parsed, editable):
        return dataclasses.replace(real(parsed, editable), matched=len(parsed) - 1)

    monkeypatch.setattr(followers, "_upsert_postgresql", one_row_short)
    with pytest.raises(ValidationError, match="send it again"):
        ingest_counts([_row(account, START, 7)])
    assert not FollowerSnapshot.objects.exists()
    account.refresh_from_db()
    assert (account.followers, account.followers_on) == (0, None)


def test_created_and_updated_are_counted_whether_a_row_is_newer_than_the_cached_count_or_not(creators):
    _rng, accounts = creators
    account = accounts[0]
    ingest_counts([_row(account, START + dt.timedelta(days=5), 50)])
    result = ingest_counts(
        [
            _row(account, START + dt.timedelta(days=6), 60),  # after the cached latest: new, not probed
            _row(account, START + dt.timedelta(days=2), 20),  # before it, not there: new
            _row(account, START + dt.timedelta(days=5), 55),  # the cached latest itself, changed
        ]
    )
    assert (result.created, result.updated, result.unchanged) == (2, 1, 0)
    again = ingest_counts([_row(account, START + dt.timedelta(days=6), 60), _row(account, START, 1)])
    assert (again.created, again.updated, again.unchanged) == (1, 0, 1)
