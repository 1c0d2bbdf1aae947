import datetime as dt
import json

import pytest
from django.db import transaction
from django.utils import timezone

from challenges.services import challenge_change_status
from influencers.services import influencer_move_stage
from reports.models import WeeklyReport
from tests import factories as f
from webhooks import services
from webhooks.events import emit
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

from .receiver import start_receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    rec, server = start_receiver()
    yield rec
    server.shutdown()
    server.server_close()


def _subscribe(url, *countries, events=("challenge.went_live",), **kwargs):
    sub = WebhookSubscription.objects.create(name="CRM", url=url, event_types=list(events), **kwargs)
    sub.countries.set(countries)
    return sub


def _planned(country, **kwargs):
    return f.ChallengeFactory(
        country=country, status="planned", starts_at=timezone.now() + dt.timedelta(days=1), **kwargs
    )


def test_receiver_gets_a_signed_delivery(receiver, indonesia, django_capture_on_commit_callbacks):
    sub = _subscribe(receiver.url, indonesia)
    challenge = _planned(indonesia, hashtag="ReversalChallenge")
    with django_capture_on_commit_callbacks(execute=True):
        challenge_change_status(challenge, "live")

    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    assert services.verify(sub.secret, got.body, got.headers["X-OpsPortal-Signature"])
    assert not services.verify("whsec_wrong", got.body, got.headers["X-OpsPortal-Signature"])
    assert got.headers["X-OpsPortal-Event"] == "challenge.went_live"
    body = got.json
    assert body["type"] == "challenge.went_live"
    assert body["country"] == "ID"
    assert body["data"]["hashtag"] == "ReversalChallenge"
    assert body["data"]["url"].endswith(f"/challenges/{challenge.pk}/")
    assert str(body["timestamp"]) == got.headers["X-OpsPortal-Timestamp"]
    assert body["id"] == got.headers["X-OpsPortal-Delivery"]

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.SENT, 1, 200)
    assert str(delivery.uuid) == body["id"]


def test_retries_after_a_500_and_the_log_shows_it(receiver, indonesia, django_capture_on_commit_callbacks):
    receiver.codes = [500]
    sub = _subscribe(receiver.url, indonesia)
    with django_capture_on_commit_callbacks(execute=True):
        challenge_change_status(_planned(indonesia), "live")

    assert len(receiver.requests) == 2
    first, second = receiver.requests
    assert first.headers["X-OpsPortal-Delivery"] == second.headers["X-OpsPortal-Delivery"]
    for got in receiver.requests:
        assert services.verify(sub.secret, got.body, got.headers["X-OpsPortal-Signature"])
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 2
    assert [a["response_code"] for a in delivery.attempt_log] == [500, 200]
    assert "HTTP 500" in delivery.attempt_log[0]["error"]
    sub.refresh_from_db()
    assert sub.consecutive_failures == 0


def test_worker_retry_is_scheduled_with_backoff(receiver, indonesia, monkeypatch):
    """Outside eager mode the task asks Celery to run it again later, with the backoff delay."""
    from celery.exceptions import Retry

    from webhooks.tasks import deliver_webhook

    scheduled = []
    monkeypatch.setattr(
        deliver_webhook, "retry", lambda countdown: scheduled.append(countdown) or Retry(when=countdown)
    )
    receiver.codes = [500]
    sub = _subscribe(receiver.url, indonesia)
    delivery = WebhookDelivery.objects.create(subscription=sub, event_type="challenge.went_live", payload={"x": 1})
    with pytest.raises(Retry):
        deliver_webhook(delivery.pk)  # called as a worker would, not eagerly
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.QUEUED, 1)  # the API shows it as retrying
    assert 27 <= scheduled[0] <= 33
    assert delivery.next_attempt_at is not None
    deliver_webhook(delivery.pk)  # the retry, when Celery runs it
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)


def test_backoff_grows_exponentially():
    delays = [services.backoff(n) for n in range(1, 6)]
    assert all(27 * 2 ** (n - 1) <= d <= 33 * 2 ** (n - 1) for n, d in zip(range(1, 6), delays, strict=True))
    assert services.backoff(50) <= services.BACKOFF_MAX * 1.1


def test_disabled_after_repeated_failures(receiver, indonesia, settings, django_capture_on_commit_callbacks):
    settings.OPSPORTAL_WEBHOOK_MAX_ATTEMPTS = 2
    settings.OPSPORTAL_WEBHOOK_DISABLE_AFTER = 3
    receiver.then = 503
    sub = _subscribe(receiver.url, indonesia)
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            challenge_change_status(_planned(indonesia), "live")

    assert len(receiver.requests) == 6  # three deliveries, two attempts each
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.FAILED}
    sub.refresh_from_db()
    assert sub.disabled_at is not None
    assert sub.consecutive_failures == 3

    with django_capture_on_commit_callbacks(execute=True):
        challenge_change_status(_planned(indonesia), "live")
    assert len(receiver.requests) == 6
    assert WebhookDelivery.objects.count() == 3

    services.subscription_enable(sub)
    receiver.then = 200
    with django_capture_on_commit_callbacks(execute=True):
        challenge_change_status(_planned(indonesia), "live")
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.SENT).count() == 1


def test_unreachable_receiver_is_logged(indonesia, settings, django_capture_on_commit_callbacks):
    settings.OPSPORTAL_WEBHOOK_MAX_ATTEMPTS = 1
    _subscribe("http://127.0.0.1:9/nothing-listens-here", indonesia)
    with django_capture_on_commit_callbacks(execute=True):
        challenge_change_status(_planned(indonesia), "live")
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.response_code is None
    assert delivery.last_error


def test_redirect_is_a_failure(receiver, indonesia, settings, django_capture_on_commit_callbacks):
    settings.OPSPORTAL_WEBHOOK_MAX_ATTEMPTS = 1
    receiver.codes = [302]
    _subscribe(receiver.url, indonesia)
    with django_capture_on_commit_callbacks(execute=True):
        challenge_change_status(_planned(indonesia), "live")
    assert WebhookDelivery.objects.get().response_code == 302
    assert WebhookDelivery.objects.get().status == DeliveryStatus.FAILED


def test_other_countries_events_do_not_reach_a_subscription(
    receiver, indonesia, thailand, django_capture_on_commit_callbacks
):
    _subscribe(receiver.url, indonesia)
    with django_capture_on_commit_callbacks(execute=True):
        challenge_change_status(_planned(thailand), "live")
    assert receiver.requests == []


def test_only_a_move_to_live_is_an_event(receiver, indonesia, django_capture_on_commit_callbacks):
    _subscribe(receiver.url, indonesia)
    challenge = _planned(indonesia)
    with django_capture_on_commit_callbacks(execute=True):
        challenge_change_status(challenge, "live")
        challenge.title = "Renamed while live"
        challenge.save()
        challenge_change_status(challenge, "ended")
    assert len(receiver.requests) == 1


def test_influencer_onboarded(receiver, indonesia, django_capture_on_commit_callbacks):
    _subscribe(receiver.url, indonesia, events=["influencer.onboarded"])
    influencer = f.InfluencerFactory(
        country=indonesia, name="Kaykai Salaider", stage="contacted", email="k@example.com"
    )
    with django_capture_on_commit_callbacks(execute=True):
        influencer_move_stage(influencer, "onboarded")
    assert len(receiver.requests) == 1
    data = receiver.requests[0].json["data"]
    assert data["name"] == "Kaykai Salaider"
    assert "email" not in data and "phone" not in data


def test_nothing_is_sent_when_the_transaction_rolls_back(receiver, indonesia, django_capture_on_commit_callbacks):
    _subscribe(receiver.url, indonesia)
    challenge = _planned(indonesia)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                challenge_change_status(challenge, "live")
                raise RuntimeError("something later failed")
        except RuntimeError:
            pass
    assert receiver.requests == []
    assert WebhookDelivery.objects.count() == 0


def test_government_events_need_the_flag_and_the_country(
    receiver, indonesia, thailand, id_operator, id_lead, django_capture_on_commit_callbacks
):
    events = ["incident.opened"]
    allowed = _subscribe(receiver.url, indonesia, events=events, allow_government=True)
    _subscribe(receiver.url, indonesia, events=events, allow_government=False)
    _subscribe(receiver.url, events=events, allow_government=True)  # all countries: never government
    _subscribe(receiver.url, thailand, events=events, allow_government=True)
    _subscribe(receiver.url, indonesia, events=events, allow_government=True, owner=id_operator)  # no rights
    led = _subscribe(receiver.url, indonesia, events=events, allow_government=True, owner=id_lead)
    with django_capture_on_commit_callbacks(execute=True):
        f.IncidentFactory(country=indonesia, title="Temporary ban")

    assert sorted(WebhookDelivery.objects.values_list("subscription_id", flat=True)) == sorted([allowed.pk, led.pk])
    assert {r.json["data"]["title"] for r in receiver.requests} == {"Temporary ban"}


def test_report_sent_emitted_by_the_reports_code(receiver, indonesia, django_capture_on_commit_callbacks):
    everywhere = _subscribe(receiver.url, events=["report.sent"])
    country_only = _subscribe(receiver.url, indonesia, events=["report.sent"])
    report = WeeklyReport.objects.create(country=indonesia, week="2026-W48", sent_at=timezone.now())
    hq = WeeklyReport.objects.create(country=None, week="2026-W48", sent_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        emit("report.sent", report, report.country)
        emit("report.sent", hq, None)
    by_sub = {}
    for d in WebhookDelivery.objects.all():
        by_sub.setdefault(d.subscription_id, []).append(d.payload["data"]["id"])
    assert sorted(by_sub[everywhere.pk]) == sorted([report.pk, hq.pk])
    assert by_sub[country_only.pk] == [report.pk]
    assert json.loads(receiver.requests[0].body)["data"]["week"] == "2026-W48"


def test_unknown_event_type_fails_loudly(indonesia):
    with pytest.raises(ValueError):
        emit("challenge.exploded", {"id": 1}, indonesia)


def test_stuck_pending_deliveries_are_found(indonesia):
    sub = _subscribe("http://127.0.0.1:9/", indonesia)
    [old] = services.create_deliveries([sub], "challenge.went_live", indonesia.pk, {})
    WebhookDelivery.objects.filter(pk=old.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    services.create_deliveries([sub], "challenge.went_live", indonesia.pk, {})  # its task is on the way
    assert list(services.stuck_deliveries()) == [old.pk]
    assert list(services.stuck_deliveries()) == []  # leased again: handed once


def test_emitting_costs_no_query_until_commit(indonesia, django_assert_num_queries):
    challenge = f.ChallengeFactory(country=indonesia)
    with django_assert_num_queries(0):
        emit("challenge.went_live", challenge, challenge.country_id)
