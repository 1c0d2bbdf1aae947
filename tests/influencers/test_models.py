"""The database guards influencers, accounts and follower history (PostgreSQL in CI)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from influencers.models import FollowerSnapshot, Influencer, PlatformAccount
from tests import factories as f

pytestmark = pytest.mark.django_db
DAY = dt.date(2018, 5, 1)


def rejected(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_handle_is_unique_per_platform_whatever_the_case(indonesia):
    influencer = f.InfluencerFactory(country=indonesia)
    f.PlatformAccountFactory(influencer=influencer, platform="tiktok", handle="KaykaiSalaider")
    rejected(lambda: f.PlatformAccountFactory(influencer=influencer, platform="tiktok", handle="@kaykaisalaider"))
    f.PlatformAccountFactory(influencer=influencer, platform="youtube", handle="kaykaisalaider")

    duplicate = PlatformAccount(influencer=influencer, platform="tiktok", handle="KAYKAISALAIDER")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "handle" in str(error.value)


def test_handle_cannot_be_empty(indonesia):
    influencer = f.InfluencerFactory(country=indonesia)
    rejected(lambda: f.PlatformAccountFactory(influencer=influencer, handle="@"))
    with pytest.raises(ValidationError) as error:
        PlatformAccount(influencer=influencer, platform="tiktok", handle="").full_clean()
    assert "handle" in error.value.message_dict


def test_one_follower_snapshot_per_account_and_day(indonesia):
    account = f.PlatformAccountFactory(influencer__country=indonesia)
    f.FollowerSnapshotFactory(account=account, date=DAY, followers=10)
    rejected(lambda: f.FollowerSnapshotFactory(account=account, date=DAY, followers=11))
    f.FollowerSnapshotFactory(account=account, date=DAY + dt.timedelta(days=1))

    with pytest.raises(ValidationError) as error:
        FollowerSnapshot(account=account, date=DAY, followers=12).full_clean()
    assert "already exists" in str(error.value)


def test_follower_counts_cannot_be_negative(indonesia):
    account = f.PlatformAccountFactory(influencer__country=indonesia)
    rejected(lambda: f.FollowerSnapshotFactory(account=account, followers=-1))
    rejected(lambda: PlatformAccount.objects.filter(pk=account.pk).update(followers=-1))
    rejected(lambda: f.InfluencerFactory(country=indonesia, total_followers=-1))
    with pytest.raises(ValidationError) as error:
        FollowerSnapshot(account=account, date=DAY, followers=-1).full_clean()
    assert "followers" in error.value.message_dict


def test_deleting_an_account_with_history_is_refused(indonesia):
    snapshot = f.FollowerSnapshotFactory(account__influencer__country=indonesia)
    with pytest.raises(ProtectedError), transaction.atomic():
        snapshot.account.delete()
    # Deleting the influencer would cascade to the account and silently lose its history.
    with pytest.raises(ProtectedError), transaction.atomic():
        snapshot.account.influencer.delete()
    assert FollowerSnapshot.objects.filter(pk=snapshot.pk).exists()


def test_deleting_an_invited_influencer_is_refused(indonesia):
    guest = f.EventGuestFactory(event__country=indonesia)
    with pytest.raises(ProtectedError), transaction.atomic():
        guest.influencer.delete()


def test_an_influencer_without_history_can_go(indonesia):
    influencer = f.InfluencerFactory(country=indonesia)
    f.PlatformAccountFactory(influencer=influencer)
    f.InfluencerInteractionFactory(influencer=influencer)
    influencer.delete()
    assert not Influencer.objects.filter(pk=influencer.pk).exists()
