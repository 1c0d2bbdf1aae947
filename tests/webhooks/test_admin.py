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
