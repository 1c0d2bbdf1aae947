"""The outbox while the broker is away, its two-minute lease and beat's one-minute sweep."""

import datetime as dt
import logging
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from opsportal import mail, tasks
from opsportal.models import Heartbeat, ReminderDelivery
from opsportal.models.outbox import DeliveryStatus
from tests.opsportal.test_mail import row  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_the_production_lease_and_sweep_put_a_lost_email_out_within_five_minutes():
    sweep_every = settings.CELERY_BEAT_SCHEDULE["outbox-sweep"]["schedule"]
    assert sweep_every == 60
    assert settings.OPSPORTAL_MAIL_STUCK_AFTER == 120 and settings.OPSPORTAL_MAIL_ENQUEUE_LEASE == 120
    assert settings.EMAIL_TIMEOUT < settings.OPSPORTAL_MAIL_STUCK_AFTER  # a live send never outlasts its lease
    worst = max(mail.stuck_after(), mail.enqueue_lease()) + dt.timedelta(seconds=sweep_every)
    assert worst <= dt.timedelta(minutes=5)


def test_an_email_queued_while_the_broker_is_away_stays_queued_and_the_sweep_sends_it(row, caplog):  # noqa: F811
    with (
        mock.patch.object(tasks.deliver, "delay", side_effect=OperationalError("Error 111 connecting")),
        caplog.at_level(logging.WARNING, logger="opsportal.tasks"),
    ):
        tasks._send_delivery(row.pk)  # what on_commit runs after the row was written
    assert "the sweep will send it" in caplog.text
    row.refresh_from_db()
    assert row.status == DeliveryStatus.QUEUED
    later = timezone.now() + mail.enqueue_lease() + dt.timedelta(seconds=1)
    assert mail.sweep(later) == [row.pk]


def test_the_outbox_sweep_task_records_beat_and_worker_heartbeats(row, django_capture_on_commit_callbacks):  # noqa: F811
    ReminderDelivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    with mock.patch.object(tasks.deliver, "delay") as delay, django_capture_on_commit_callbacks(execute=True):
        assert tasks.outbox_sweep() == 1
    delay.assert_called_once_with(row.pk)
    assert set(Heartbeat.objects.values_list("name", flat=True)) == {"scheduler", "worker"}


def test_a_send_renews_its_lease_just_before_talking_to_smtp(row, settings):  # noqa: F811
    settings.OPSPORTAL_MAIL_STUCK_AFTER = 120
    seen = {}

    def send(message, *args, **kwargs):
        seen["lease"] = ReminderDelivery.objects.get(pk=row.pk).next_attempt_at
        return 1

    with mock.patch("django.core.mail.EmailMultiAlternatives.send", send):
        before = timezone.now()
        assert mail.deliver(row.pk).status == DeliveryStatus.SENT
    assert seen["lease"] >= before + dt.timedelta(seconds=119)


def test_a_retry_far_off_is_left_to_the_sweep_not_a_broker_countdown(row):  # noqa: F811
    with (
        mock.patch.object(mail, "deliver", return_value=mail.Outcome("retry", retry_in=3600)),
        mock.patch.object(tasks.deliver, "apply_async") as later,
    ):
        tasks.deliver.run(row.pk)
    later.assert_not_called()
    with (
        mock.patch.object(mail, "deliver", return_value=mail.Outcome("retry", retry_in=60)),
        mock.patch.object(tasks.deliver, "apply_async") as soon,
    ):
        tasks.deliver.run(row.pk)
    soon.assert_called_once()
