import pytest
from django.urls import reverse

from webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscription(indonesia):
    sub = WebhookSubscription.objects.create(name="CRM", url="https://crm.example.com/h", event_types=["report.sent"])
    sub.countries.set([indonesia])
    return sub


def test_admin_subscription_pages_and_read_only_log(client, superuser, subscription, indonesia):
    WebhookDelivery.objects.create(
        subscription=subscription, event_type="report.sent", country=indonesia, status="failed", last_error="HTTP 500"
    )
    client.force_login(superuser)
    assert client.get(reverse("admin:webhooks_webhooksubscription_changelist")).status_code == 200
    assert client.get(reverse("admin:webhooks_webhooksubscription_add")).status_code == 200
    assert client.get(reverse("admin:webhooks_webhooksubscription_change", args=[subscription.pk])).status_code == 200
    log = client.get(reverse("admin:webhooks_webhookdelivery_changelist"))
    assert log.status_code == 200
    assert "CRM" in log.content.decode()
    assert client.get(reverse("admin:webhooks_webhookdelivery_add")).status_code == 403


def test_the_admin_rotates_a_secret_as_the_api_does_and_the_old_one_stops_verifying(client, superuser, subscription):
    from webhooks.services import sign, verify

    old = subscription.secret
    body = b'{"event": "report.sent"}'
    client.force_login(superuser)
    response = client.post(
        reverse("admin:webhooks_webhooksubscription_changelist"),
        {"action": "rotate_secret", "_selected_action": [subscription.pk]},
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.secret and subscription.secret != old
    assert verify(subscription.secret, body, sign(subscription.secret, body))
    assert not verify(subscription.secret, body, sign(old, body))


def test_admin_refuses_government_events_without_countries(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:webhooks_webhooksubscription_add"),
        {
            "name": "Gov",
            "url": "https://gov.example.com/h",
            "event_types": ["incident.opened"],
            "allow_government": "on",
        },
    )
    assert response.status_code == 200
    assert "Government events need the countries listed explicitly." in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_staff_without_government_role_do_not_see_incident_deliveries(client, id_operator, subscription, indonesia):
    from django.contrib.auth.models import Permission

    id_operator.is_staff = True
    id_operator.save()
    id_operator.user_permissions.add(Permission.objects.get(codename="view_webhookdelivery"))
    WebhookDelivery.objects.create(subscription=subscription, event_type="incident.opened", country=indonesia)
    WebhookDelivery.objects.create(subscription=subscription, event_type="report.sent", country=indonesia)
    client.force_login(id_operator)
    page = client.get(reverse("admin:webhooks_webhookdelivery_changelist"))
    assert [d.event_type for d in page.context["cl"].result_list] == ["report.sent"]


@pytest.mark.parametrize(
    ("url", "event_types", "field"),
    [
        ("http://crm.example.com/h", ["report.sent"], "url"),  # plain http
        ("https://127.0.0.1/h", ["report.sent"], "url"),  # the server's own network
        ("https://10.0.0.7/h", ["report.sent"], "url"),
        ("https://gov.example.com/h", ["incident.opened"], "allow_government"),  # not allowed
    ],
)
def test_admin_refuses_what_the_api_refuses(client, superuser, settings, indonesia, url, event_types, field):
    """The admin validates through the API's service (``subscription_validate``): before, it
    saved an http:// or private address and government events without ``allow_government``."""
    settings.OPSPORTAL_WEBHOOK_REQUIRE_HTTPS = True
    settings.OPSPORTAL_WEBHOOKS_ALLOW_PRIVATE = False
    client.force_login(superuser)
    data = {"name": "CRM", "url": url, "event_types": event_types, "countries": [indonesia.pk], "active": "on"}
    response = client.post(reverse("admin:webhooks_webhooksubscription_add"), data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not WebhookSubscription.objects.exists()


def test_admin_keeps_a_lead_to_the_countries_and_rights_they_have(client, id_lead, indonesia, thailand):
    """A staff lead of Indonesia may not subscribe to Thailand's events, as over the API."""
    from django.contrib.auth.models import Permission

    id_lead.is_staff = True
    id_lead.save()
    id_lead.user_permissions.add(*Permission.objects.filter(codename__endswith="_webhooksubscription"))
    client.force_login(id_lead)
    data = {
        "name": "CRM",
        "url": "https://crm.example.com/h",
        "event_types": ["report.sent"],
        "countries": [thailand.pk],
        "active": "on",
    }
    response = client.post(reverse("admin:webhooks_webhooksubscription_add"), data)
    assert response.status_code == 200, response.status_code
    assert "countries" in response.context["adminform"].form.errors
    assert not WebhookSubscription.objects.exists()
