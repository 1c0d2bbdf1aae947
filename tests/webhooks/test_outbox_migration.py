"""webhooks 0003: stored deliveries take the outbox's statuses, and back (SQLite and PostgreSQL)."""

import pytest

from tests.migrations import migrate_to

BEFORE = [("webhooks", "0002_milestones_announced_once")]
AFTER = [("webhooks", "0003_outbox_rows")]


@pytest.mark.django_db(transaction=True)
def test_stored_deliveries_keep_what_they_meant_through_the_migration_and_back():
    apps = migrate_to(BEFORE)
    Subscription = apps.get_model("webhooks", "WebhookSubscription")
    Delivery = apps.get_model("webhooks", "WebhookDelivery")
    sub = Subscription.objects.create(name="CRM", url="https://crm.example.com/hook", event_types=["report.sent"])
    old = {"pending": 0, "retrying": 2, "succeeded": 1, "failed": 8, "skipped": 0}
    for status, attempts in old.items():
        Delivery.objects.create(subscription=sub, event_type="report.sent", status=status, attempts=attempts)
    Delivery.objects.filter(status="succeeded").update(delivered_at="2026-11-30T10:00:00Z")

    apps = migrate_to(AFTER)
    Delivery = apps.get_model("webhooks", "WebhookDelivery")
    assert sorted(Delivery.objects.values_list("status", "attempts")) == [
        ("failed", 8),
        ("queued", 0),
        ("queued", 2),
        ("sent", 1),
        ("skipped", 0),
    ]
    assert Delivery.objects.get(status="sent").sent_at is not None

    apps = migrate_to(BEFORE)
    Delivery = apps.get_model("webhooks", "WebhookDelivery")
    assert dict(Delivery.objects.values_list("status", "attempts")) == old
    assert Delivery.objects.get(status="succeeded").delivered_at is not None

    migrate_to(AFTER)  # leave the database as the other tests expect it
