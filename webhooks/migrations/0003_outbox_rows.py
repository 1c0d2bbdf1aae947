"""Webhook deliveries become outbox rows (``opsportal.models.outbox.OutboxRow``).

The rows take the outbox's one status: ``pending`` and ``retrying`` become ``queued`` (the
attempt count tells them apart, and the API still shows them as before), ``succeeded`` becomes
``sent``; ``failed`` and ``skipped`` stay. ``delivered_at`` is renamed ``sent_at`` (the API still
calls it ``delivered_at``). Plain UPDATEs: the same on SQLite and PostgreSQL, and reversible.
"""

from django.db import migrations, models

FORWARD = {"pending": "queued", "retrying": "queued", "succeeded": "sent"}


def to_outbox_statuses(apps, schema_editor):
    Delivery = apps.get_model("webhooks", "WebhookDelivery")
    for old, new in FORWARD.items():
        Delivery.objects.filter(status=old).update(status=new)


def to_webhook_statuses(apps, schema_editor):
    Delivery = apps.get_model("webhooks", "WebhookDelivery")
    # A row being sent goes back to waiting: the old code had no "sending".
    Delivery.objects.filter(status__in=["queued", "sending"], attempts=0).update(status="pending")
    Delivery.objects.filter(status__in=["queued", "sending"], attempts__gt=0).update(status="retrying")
    Delivery.objects.filter(status="sent").update(status="succeeded")


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0002_milestones_announced_once"),
    ]

    operations = [
        migrations.RenameField(model_name="webhookdelivery", old_name="delivered_at", new_name="sent_at"),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="sent at"),
        ),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="next_attempt_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="next attempt at"),
        ),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("sending", "Sending"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                    ("skipped", "Skipped"),
                ],
                default="queued",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(to_outbox_statuses, to_webhook_statuses),
        migrations.AddIndex(
            model_name="webhookdelivery",
            index=models.Index(fields=["status", "next_attempt_at"], name="webhook_outbox_sweep"),
        ),
    ]
