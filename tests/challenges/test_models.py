"""The database guards challenges: every rule holds even when a form is bypassed (PostgreSQL in CI)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from challenges.models import Challenge, ChallengeMetricSnapshot
from tests import factories as f

pytestmark = pytest.mark.django_db


def rejected(make):
    """The database refuses the row (inside a savepoint, so the test can go on)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_hashtag_is_unique_per_country_whatever_the_case(indonesia, thailand):
    f.ChallengeFactory(country=indonesia, hashtag="SatuFrameRame")
    rejected(lambda: f.ChallengeFactory(country=indonesia, hashtag="#satuframerame"))
    f.ChallengeFactory(country=thailand, hashtag="satuframerame")  # another country may reuse it

    duplicate = Challenge(country=indonesia, hashtag="SATUFRAMERAME", title="Again", format="dance")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "hashtag" in str(error.value)


def test_hashtag_cannot_be_empty(indonesia):
    rejected(lambda: f.ChallengeFactory(country=indonesia, hashtag="#"))
    with pytest.raises(ValidationError) as error:
        Challenge(country=indonesia, hashtag="", title="No tag", format="dance").full_clean()
    assert "hashtag" in error.value.message_dict


def test_end_cannot_be_before_start(indonesia):
    start = timezone.now()
    rejected(lambda: f.ChallengeFactory(country=indonesia, starts_at=start, ends_at=start - dt.timedelta(hours=1)))
    challenge = f.ChallengeFactory.build(country=indonesia, starts_at=start, ends_at=start - dt.timedelta(hours=1))
    with pytest.raises(ValidationError) as error:
        challenge.full_clean()
    assert list(error.value.message_dict) == ["ends_at"]
    # Open-ended and same-moment challenges are fine.
    f.ChallengeFactory(country=indonesia, starts_at=start, ends_at=None)
    f.ChallengeFactory(country=indonesia, starts_at=start, ends_at=start)


@pytest.mark.parametrize("field", ["views", "videos", "likes", "comments", "shares", "target_views", "target_videos"])
def test_counts_cannot_be_negative(indonesia, field):
    rejected(lambda: f.ChallengeFactory(country=indonesia, **{field: -1}))
    with pytest.raises(ValidationError) as error:
        f.ChallengeFactory.build(country=indonesia, **{field: -1}).full_clean()
    assert field in error.value.message_dict


def test_one_metric_snapshot_per_challenge_and_moment(indonesia):
    challenge = f.ChallengeFactory(country=indonesia)
    moment = timezone.now().replace(microsecond=0)
    f.MetricSnapshotFactory(challenge=challenge, captured_at=moment, views=10)
    rejected(lambda: f.MetricSnapshotFactory(challenge=challenge, captured_at=moment, views=20))
    f.MetricSnapshotFactory(challenge=challenge, captured_at=moment + dt.timedelta(seconds=1))

    with pytest.raises(ValidationError) as error:
        ChallengeMetricSnapshot(challenge=challenge, captured_at=moment, views=30).full_clean()
    assert "already exists" in str(error.value)


@pytest.mark.parametrize("field", ["views", "videos", "likes", "comments", "shares"])
def test_snapshot_counts_cannot_be_negative(indonesia, field):
    challenge = f.ChallengeFactory(country=indonesia)
    rejected(lambda: f.MetricSnapshotFactory(challenge=challenge, **{field: -5}))
    with pytest.raises(ValidationError) as error:
        ChallengeMetricSnapshot(challenge=challenge, captured_at=timezone.now(), **{field: -5}).full_clean()
    assert field in error.value.message_dict


def test_participation_is_unique(indonesia):
    participation = f.ParticipationFactory(challenge__country=indonesia)
    rejected(lambda: f.ParticipationFactory(challenge=participation.challenge, influencer=participation.influencer))


def test_deleting_a_challenge_with_history_is_refused(indonesia):
    challenge = f.ChallengeFactory(country=indonesia)
    f.MetricSnapshotFactory(challenge=challenge)
    with pytest.raises(ProtectedError), transaction.atomic():
        challenge.delete()
    assert Challenge.objects.filter(pk=challenge.pk).exists()


def test_deleting_an_influencer_who_took_part_is_refused(indonesia):
    participation = f.ParticipationFactory(challenge__country=indonesia)
    with pytest.raises(ProtectedError), transaction.atomic():
        participation.influencer.delete()


def test_deleting_a_country_with_challenges_is_refused(indonesia):
    f.ChallengeFactory(country=indonesia)
    with pytest.raises(ProtectedError), transaction.atomic():
        indonesia.delete()


def test_protected_error_is_an_integrity_error():
    # Callers catch IntegrityError for every refusal of the database, PROTECT included.
    assert issubclass(ProtectedError, IntegrityError)
