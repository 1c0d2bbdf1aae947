import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from opsportal.models import ApiToken
from webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.webhooks.urls")]


def _token_client(name, countries, scopes):
    token = ApiToken(name=name, scopes=scopes)
    key = ApiToken.generate_key()
    token.set_key(key)
    token.save()
    token.countries.set(countries)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client, token


def _body(**overrides):
    body = {
        "name": "CRM sync",
        "url": "https://crm.example.com/hooks/opsportal",
        "event_types": ["challenge.went_live", "influencer.onboarded"],
        "countries": ["ID"],
    }
    body.update(overrides)
    return body


@pytest.fixture
def integration(indonesia, thailand):
    return _token_client("crm", [indonesia], ["read"])


def test_integration_subscribes_and_sees_the_secret_once(integration):
    client, token = integration
    created = client.post("/webhooks/", _body(), format="json")
    assert created.status_code == 201, created.content
    assert created.json()["secret"].startswith("whsec_")
    sub = WebhookSubscription.objects.get()
    assert sub.owner_token == token and sub.owner is None
    assert sub.event_types == ["challenge.went_live", "influencer.onboarded"]

    detail = client.get(f"/webhooks/{sub.pk}/")
    assert detail.status_code == 200
    assert "secret" not in detail.json()
    rotated = client.post(f"/webhooks/{sub.pk}/rotate-secret/")
    assert rotated.json()["secret"] != created.json()["secret"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"countries": ["TH"]}, "countries"),  # not one of the token's countries
        ({"event_types": ["incident.opened"]}, "allow_government"),
        ({"event_types": ["incident.opened"], "allow_government": True}, "allow_government"),  # no scope
        ({"event_types": []}, "event_types"),
        ({"event_types": ["challenge.exploded"]}, "event_types"),
        ({"url": "not a url"}, "url"),
    ],
)
def test_bad_subscriptions_are_refused_naming_the_field(integration, overrides, field):
    client, _token = integration
    response = client.post("/webhooks/", _body(**overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_https_required_outside_debug(integration, settings):
    settings.OPSPORTAL_WEBHOOK_REQUIRE_HTTPS = True
    client, _token = integration
    response = client.post("/webhooks/", _body(url="http://crm.example.com/hook"), format="json")
    assert response.status_code == 400
    assert "url" in response.json()["errors"]


def test_government_scope_may_subscribe_to_incidents(indonesia):
    client, _token = _token_client("gov-desk", [indonesia], ["read", "government"])
    body = _body(event_types=["incident.opened"], allow_government=True)
    assert client.post("/webhooks/", body, format="json").status_code == 201
    assert client.post("/webhooks/", {**body, "countries": []}, format="json").status_code == 400


def test_each_owner_sees_only_their_subscriptions(integration, indonesia, id_operator, superuser):
    client, _token = integration
    client.post("/webhooks/", _body(), format="json")
    other, _ = _token_client("other", [indonesia], ["read"])
    assert other.get("/webhooks/").json()["results"] == []
    assert other.get(f"/webhooks/{WebhookSubscription.objects.get().pk}/").status_code == 404

    person = APIClient()
    person.force_authenticate(id_operator)
    assert person.get("/webhooks/").json()["results"] == []
    admin = APIClient()
    admin.force_authenticate(superuser)
    assert len(admin.get("/webhooks/").json()["results"]) == 1


def test_anonymous_is_refused():
    assert APIClient().get("/webhooks/").status_code in (401, 403)


def test_delivery_log_and_enable(integration, indonesia):
    client, _token = integration
    pk = client.post("/webhooks/", _body(), format="json").json()["id"]
    sub = WebhookSubscription.objects.get(pk=pk)
    WebhookDelivery.objects.create(
        subscription=sub, event_type="challenge.went_live", status="failed", attempts=8, response_code=500
    )
    log = client.get(f"/webhooks/{pk}/deliveries/").json()
    assert [(d["status"], d["attempts"], d["response_code"]) for d in log] == [("failed", 8, 500)]
    assert client.get(f"/webhooks/{pk}/deliveries/?status=nope").status_code == 400

    WebhookSubscription.objects.filter(pk=pk).update(disabled_at="2026-01-01T00:00:00Z", consecutive_failures=10)
    enabled = client.post(f"/webhooks/{pk}/enable/").json()
    assert enabled["disabled_at"] is None and enabled["consecutive_failures"] == 0


def test_a_country_code_with_a_nul_byte_is_named_not_a_server_error(integration):
    client, _token = integration
    response = client.post("/webhooks/", _body(countries=["I\x00D"]), format="json")
    assert response.status_code == 400
    assert "countries" in response.json()["errors"]


def test_the_delivery_log_shows_the_statuses_it_always_showed(integration, indonesia):
    """Rows hold the outbox's statuses (queued, sending, sent, ...); the API keeps its own words."""
    client, _token = integration
    pk = client.post("/webhooks/", _body(), format="json").json()["id"]
    sub = WebhookSubscription.objects.get(pk=pk)
    retry_at = timezone.now() + dt.timedelta(minutes=2)
    lease_end = timezone.now() + dt.timedelta(minutes=2)
    sent_at = timezone.now() - dt.timedelta(minutes=1)
    rows = [
        ("queued", 0, lease_end, None),  # never tried: pending, and its lease is not a retry time
        ("queued", 1, retry_at, None),  # tried once: retrying, at its retry time
        ("sending", 1, lease_end, None),  # first attempt under way: still pending
        ("sending", 3, lease_end, None),  # a retry under way: still retrying
        ("sent", 2, None, sent_at),
        ("failed", 8, None, None),
        ("skipped", 1, None, None),
    ]
    for status, attempts, next_at, sent in rows:
        WebhookDelivery.objects.create(
            subscription=sub,
            event_type="challenge.went_live",
            status=status,
            attempts=attempts,
            next_attempt_at=next_at,
            sent_at=sent,
        )
    log = client.get(f"/webhooks/{pk}/deliveries/").json()
    shown = sorted((d["status"], d["attempts"], d["next_attempt_at"] is not None) for d in log)
    assert shown == [
        ("failed", 8, False),
        ("pending", 0, False),
        ("pending", 1, False),
        ("retrying", 1, True),
        ("retrying", 3, False),
        ("skipped", 1, False),
        ("succeeded", 2, False),
    ]
    [done] = [d for d in log if d["status"] == "succeeded"]
    assert done["delivered_at"] is not None
    for status, attempts in [("pending", [0, 1]), ("retrying", [1, 3]), ("succeeded", [2]), ("failed", [8])]:
        found = client.get(f"/webhooks/{pk}/deliveries/?status={status}").json()
        assert sorted(d["attempts"] for d in found) == attempts, status
        assert {d["status"] for d in found} == {status}
    assert client.get(f"/webhooks/{pk}/deliveries/?status=queued").status_code == 400  # not a word of the API
