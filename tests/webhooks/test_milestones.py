"""Crossover and view-target milestones: the owner hears once (inbox and email), webhook
subscribers get one event, whichever door brought the numbers and however often they come again."""

import datetime as dt

import pytest
from django.core import mail as django_mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from challenges.metrics import ingest_metric_rows, metric_snapshot_type
from influencers.followers import ingest_follower_rows
from locales.models import StaffProfile
from milestones.models import Milestone
from notifications.models import Notification
from opsportal import mail
from opsportal.models import ReminderDelivery
from tests import factories as f
from webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db


def _subscribe(*countries, events):
    sub = WebhookSubscription.objects.create(name="CRM", url="https://crm.example.com/hook", event_types=events)
    sub.countries.set(countries)
    return sub


def _send_outbox():
    for delivery in ReminderDelivery.objects.filter(status="queued"):
        mail.deliver(delivery.pk)


def _reads_english(user) -> None:
    StaffProfile.objects.update_or_create(user=user, defaults={"preferred_language": "en"})


def test_a_crossover_is_announced_once_to_the_owner_and_subscribers(
    indonesia, id_operator, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("webhooks.tasks.deliver_webhook.delay", lambda pk: None)
    _subscribe(indonesia, events=["influencer.crossed_over"])
    _reads_english(id_operator)  # the team's language is Indonesian: the words below are English
    kaykai = f.InfluencerFactory(country=indonesia, name="Kaykai Salaider", relationship_owner=id_operator)
    f.PlatformAccountFactory(influencer=kaykai, platform="youtube", handle="kaykai_yt")
    f.PlatformAccountFactory(influencer=kaykai, platform="tiktok", handle="kaykai")
    rows = [
        {"platform": "youtube", "handle": "kaykai_yt", "date": "2026-11-01", "followers": 5_700_000},
        {"platform": "tiktok", "handle": "kaykai", "date": "2026-11-01", "followers": 5_000_000},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        ingest_follower_rows(rows)
    assert not Milestone.objects.exists()  # not yet

    over = [{"platform": "tiktok", "handle": "kaykai", "date": "2026-11-19", "followers": 5_800_000}]
    with django_capture_on_commit_callbacks(execute=True):
        ingest_follower_rows(over)
    with django_capture_on_commit_callbacks(execute=True):
        ingest_follower_rows(over)  # a replay
        ingest_follower_rows([{**over[0], "date": "2026-11-20", "followers": 5_900_000}])  # still over

    [milestone] = Milestone.objects.all()
    assert (milestone.kind, milestone.object_id, milestone.reached_on) == (
        "crossover",
        kaykai.pk,
        dt.date(2026, 11, 19),
    )
    [event] = WebhookDelivery.objects.all()
    assert event.event_type == "influencer.crossed_over"
    assert event.payload["data"]["crossed_over_on"] == "2026-11-19" and event.payload["country"] == "ID"
    assert "email" not in event.payload["data"]  # what happened, not the person's contact details
    [row] = ReminderDelivery.objects.all()
    assert (row.kind, row.recipient) == ("crossover", id_operator)
    _send_outbox()
    [note] = Notification.objects.filter(recipient=id_operator)
    assert note.title == "Kaykai Salaider crossed over" and note.url.endswith(f"/influencers/{kaykai.pk}/")
    [email] = django_mail.outbox
    assert "Kaykai Salaider crossed over" in email.subject and "19 Nov 2026" in email.body


def test_a_view_target_reached_by_typed_or_pushed_numbers_is_announced_once(
    indonesia, id_operator, django_capture_on_commit_callbacks, monkeypatch
):
    _reads_english(id_operator)
    monkeypatch.setattr("webhooks.tasks.deliver_webhook.delay", lambda pk: None)
    _subscribe(indonesia, events=["challenge.target_reached"])
    challenge = f.ChallengeFactory(
        country=indonesia, hashtag="multiframe", status="live", target_views=50_000_000, owner=id_operator
    )
    now = timezone.now().replace(microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        metric_snapshot_type(challenge, captured_at=now - dt.timedelta(days=2), views=40_000_000)
    assert not WebhookDelivery.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        metric_snapshot_type(challenge, captured_at=now - dt.timedelta(days=1), views=53_000_000)
    row = {"country": "ID", "hashtag": "multiframe", "captured_at": now.isoformat(), "views": 55_000_000}
    with django_capture_on_commit_callbacks(execute=True):
        ingest_metric_rows([row])  # pushed by an integration: already announced
        ingest_metric_rows([row])
    [event] = WebhookDelivery.objects.all()
    assert event.event_type == "challenge.target_reached"
    assert (event.payload["data"]["views"], event.payload["data"]["target_views"]) == (53_000_000, 50_000_000)
    _send_outbox()
    [note] = Notification.objects.filter(recipient=id_operator)
    assert note.title == "#multiframe reached its view target"

    # A raised target reached again is a new milestone.
    challenge.refresh_from_db()
    challenge.target_views = 60_000_000
    challenge.save()
    with django_capture_on_commit_callbacks(execute=True):
        ingest_metric_rows([{**row, "captured_at": (now + dt.timedelta(hours=1)).isoformat(), "views": 61_000_000}])
    assert WebhookDelivery.objects.count() == 2 and Milestone.objects.count() == 2


def test_a_rolled_back_batch_announces_nothing(indonesia, id_operator, django_capture_on_commit_callbacks):
    challenge = f.ChallengeFactory(country=indonesia, hashtag="reversal", target_views=10, owner=id_operator)
    rows = [
        {"country": "ID", "hashtag": "reversal", "captured_at": "2026-11-20T10:00:00+07:00", "views": 20},
        {"country": "ID", "hashtag": "unknown", "captured_at": "2026-11-20T10:00:00+07:00", "views": 20},
    ]
    with pytest.raises(ValidationError):
        ingest_metric_rows(rows)
    assert not Milestone.objects.exists() and not ReminderDelivery.objects.exists()
    challenge.refresh_from_db()
    assert challenge.views == 0
