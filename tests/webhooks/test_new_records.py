"""Webhook events of the newer records (issue 17): agreements and payments (finance), regulator
requests (government), country goals. Made through the API door; the services emit them."""

import pytest

from opsportal.access import access_for_user
from opsportal.scope import scope_of
from tests import factories as f
from tests.api.conftest import client_for, make_token
from webhooks.models import WebhookDelivery, WebhookSubscription

from .receiver import start_receiver

pytestmark = pytest.mark.django_db

FINANCE = ["agreement.created", "agreement.status_changed", "payment.paid"]
REQUESTS = ["regulator_request.received", "regulator_request.closed"]


@pytest.fixture
def receiver():
    rec, server = start_receiver()
    yield rec
    server.shutdown()
    server.server_close()


def _subscribe(url, *countries, events, **kwargs):
    sub = WebhookSubscription.objects.create(name="CRM", url=url, event_types=list(events), **kwargs)
    sub.countries.set(countries)
    return sub


def _events(sub):
    return [d.event_type for d in WebhookDelivery.objects.filter(subscription=sub).order_by("pk")]


def test_agreement_and_payment_events_reach_finance_subscriptions_only(
    receiver, indonesia, thailand, id_lead, id_operator, django_capture_on_commit_callbacks
):
    led = _subscribe(receiver.url, indonesia, events=FINANCE, allow_finance=True, owner=id_lead)
    admin_made = _subscribe(receiver.url, indonesia, events=FINANCE, allow_finance=True)
    no_flag = _subscribe(receiver.url, indonesia, events=FINANCE)
    everywhere = _subscribe(receiver.url, events=FINANCE, allow_finance=True)  # never finance: no country listed
    other_country = _subscribe(receiver.url, thailand, events=FINANCE, allow_finance=True)
    operator = _subscribe(receiver.url, indonesia, events=FINANCE, allow_finance=True, owner=id_operator)
    api = client_for(user=id_lead)
    body = {
        "country": "ID",
        "influencer": f.InfluencerFactory(country=indonesia).pk,
        "challenge": f.ChallengeFactory(country=indonesia).pk,
        "title": "Seeding the frame challenge",
        "fee": "15000000.00",
    }
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/agreements/", body, format="json")
        assert created.status_code == 201, created.json()
        pk = created.json()["id"]
        api.patch(f"/api/v1/agreements/{pk}/", {"notes": "no event: not a status move"}, format="json")
        assert api.patch(f"/api/v1/agreements/{pk}/", {"status": "signed"}, format="json").status_code == 200
        assert api.patch(f"/api/v1/agreements/{pk}/", {"status": "delivered"}, format="json").status_code == 200
        payment = {"agreement": pk, "amount": "15000000.00", "due_on": "2026-08-31", "paid_on": "2026-08-30"}
        assert api.post("/api/v1/payments/", payment, format="json").status_code == 201

    expected = [
        "agreement.created",
        "agreement.status_changed",
        "agreement.status_changed",
        "payment.paid",
        "agreement.status_changed",  # covered by the payment: paid
    ]
    assert _events(led) == expected and _events(admin_made) == expected
    for sub in (no_flag, everywhere, other_country, operator):
        assert _events(sub) == []
    rows = list(WebhookDelivery.objects.filter(subscription=led).order_by("pk"))
    assert rows[0].payload["data"]["fee"] == "15000000.00" and rows[0].payload["data"]["currency"] == "IDR"
    assert rows[0].payload["country"] == "ID"
    assert [
        (r.payload["data"]["previous_status"], r.payload["data"]["status"])
        for r in rows
        if "previous_status" in r.payload["data"]
    ] == [
        ("draft", "signed"),
        ("signed", "delivered"),
        ("delivered", "paid"),
    ]
    assert rows[3].payload["data"]["amount"] == "15000000.00" and rows[3].payload["data"]["paid_on"] == "2026-08-30"
    assert "notes" not in rows[0].payload["data"]
    assert {r.json["type"] for r in receiver.requests} == set(FINANCE)

    # The delivery log follows the scope: an operator of the country never reads money events.
    with scope_of(access_for_user(id_operator)):
        assert not WebhookDelivery.objects.filter(event_type__in=FINANCE).exists()
    with scope_of(access_for_user(id_lead)):
        assert WebhookDelivery.objects.filter(event_type__in=FINANCE).count() == 10


def test_a_payment_marked_paid_later_is_announced_once(indonesia, id_lead, django_capture_on_commit_callbacks):
    sub = _subscribe("http://127.0.0.1:9/", indonesia, events=["payment.paid"], allow_finance=True)
    payment = f.PaymentFactory(agreement=f.AgreementFactory(country=indonesia, status="signed"))
    api = client_for(user=id_lead)
    with django_capture_on_commit_callbacks(execute=True):
        for change in ({"reference": "TRX-0"}, {"paid_on": "2026-08-30"}, {"reference": "TRX-1"}):
            assert api.patch(f"/api/v1/payments/{payment.pk}/", change, format="json").status_code == 200
    assert _events(sub) == ["payment.paid"]


def test_regulator_request_events_are_government_events(
    receiver, indonesia, id_gr, id_operator, django_capture_on_commit_callbacks
):
    allowed = _subscribe(receiver.url, indonesia, events=REQUESTS, allow_government=True, owner=id_gr)
    no_flag = _subscribe(receiver.url, indonesia, events=REQUESTS)
    operator = _subscribe(receiver.url, indonesia, events=REQUESTS, allow_government=True, owner=id_operator)
    api = client_for(user=id_gr)
    body = {
        "country": "ID",
        "kind": "takedown",
        "authority": "Kominfo",
        "reference": "KOMINFO/TD/1",
        "channel": "letter",
        "received_at": "2018-07-03T09:00:00+07:00",
    }
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/regulator-requests/", body, format="json")
        assert created.status_code == 201, created.json()
        pk = created.json()["id"]
        assert api.patch(f"/api/v1/regulator-requests/{pk}/", {"status": "answered"}, format="json").status_code == 200
        assert api.patch(f"/api/v1/regulator-requests/{pk}/", {"status": "closed"}, format="json").status_code == 200
        # Logged after it was closed: history, not news.
        api.post("/api/v1/regulator-requests/", {**body, "reference": "OLD/1", "status": "closed"}, format="json")

    assert _events(allowed) == ["regulator_request.received", "regulator_request.closed", "regulator_request.closed"]
    assert _events(no_flag) == [] and _events(operator) == []
    first = WebhookDelivery.objects.filter(subscription=allowed).order_by("pk").first().payload["data"]
    assert first["reference"] == "KOMINFO/TD/1" and first["status"] == "received" and first["id"] == pk
    assert "summary" not in first
    with scope_of(access_for_user(id_operator)):
        assert not WebhookDelivery.objects.filter(event_type__in=REQUESTS).exists()


def test_goal_set_when_a_target_is_set_or_changed(
    receiver, indonesia, id_lead, id_operator, django_capture_on_commit_callbacks
):
    team = _subscribe(receiver.url, indonesia, events=["goal.set"], owner=id_operator)
    api = client_for(user=id_lead)
    goal = {"country": "ID", "year": 2018, "quarter": 3, "metric": "core_active", "target": 100}
    with django_capture_on_commit_callbacks(execute=True):
        pk = api.post("/api/v1/goals/", goal, format="json").json()["id"]
        api.patch(f"/api/v1/goals/{pk}/", {"note": "a note alone is no news"}, format="json")
        api.patch(f"/api/v1/goals/{pk}/", {"target": 120}, format="json")
    rows = [d.payload["data"] for d in WebhookDelivery.objects.filter(subscription=team).order_by("pk")]
    assert [(r["target"], r["previous_target"]) for r in rows] == [(100, None), (120, 100)]
    assert rows[0]["metric"] == "core_active" and rows[0]["quarter"] == 3 and rows[0]["url"].endswith("/goals/")


def test_subscribing_to_finance_events_needs_the_flag_and_the_finance_scope(indonesia):
    body = {"name": "Finance sync", "url": "https://erp.example.com/hooks", "event_types": ["payment.paid"]}
    key, _token = make_token([indonesia], ("read",))
    api = client_for(key)
    refused = api.post("/api/v1/webhooks/", {**body, "countries": ["ID"]}, format="json")
    assert refused.status_code == 400 and "allow_finance" in refused.json()["errors"]
    refused = api.post("/api/v1/webhooks/", {**body, "countries": ["ID"], "allow_finance": True}, format="json")
    assert refused.status_code == 400 and "allow_finance" in refused.json()["errors"]  # no finance scope
    key, _token = make_token([indonesia], ("read", "finance"))
    api = client_for(key)
    refused = api.post("/api/v1/webhooks/", {**body, "allow_finance": True}, format="json")
    assert refused.status_code == 400 and "countries" in refused.json()["errors"]
    made = api.post("/api/v1/webhooks/", {**body, "countries": ["ID"], "allow_finance": True}, format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["allow_finance"] is True
