"""The outbox core (opsportal/outbox.py), shown once for both of its channels: email and webhooks.

Each test runs with a mail row (``ReminderDelivery``, sent over SMTP) and a webhook row
(``WebhookDelivery``, POSTed to a receiver on loopback): the lease, the retry then the permanent
failure, the backoff's bounds and the sweep are the same code for both.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import models
from django.utils import timezone

from opsportal import mail, outbox
from opsportal.models import ReminderDelivery
from opsportal.models.outbox import DeliveryStatus
from tests.opsportal.test_mail import PAYLOAD, FailingBackend
from tests.webhooks.receiver import start_receiver
from webhooks import services as webhooks
from webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db


@dataclass
class Channel:
    name: str
    model: type[models.Model]
    policy: outbox.Policy
    make: Callable[[], int]  # queue one row (leased to the task sent with it); its id
    deliver: Callable[[int], outbox.Outcome]
    fail_temporarily: Callable[[], None]  # the next attempt meets an error that may pass
    fail_permanently: Callable[[int], None]  # the next attempt of this row meets one that cannot
    max_attempts_setting: str


@pytest.fixture
def mail_channel(settings, id_operator, indonesia):
    settings.EMAIL_BACKEND = "tests.opsportal.test_mail.FailingBackend"
    FailingBackend.errors = []
    count = iter(range(1, 100))

    def make():
        [pk] = mail.queue(
            [
                ReminderDelivery(
                    key=f"task_due:core:{next(count)}",
                    recipient=id_operator,
                    kind="task_due",
                    payload={**PAYLOAD, "country_id": indonesia.pk},
                )
            ]
        )
        return pk

    yield Channel(
        name="mail",
        model=ReminderDelivery,
        policy=mail.POLICY,
        make=make,
        deliver=mail.deliver,
        fail_temporarily=lambda: FailingBackend.errors.append(smtplib.SMTPDataError(452, b"mailbox full")),
        fail_permanently=lambda pk: FailingBackend.errors.append(smtplib.SMTPDataError(554, b"rejected")),
        max_attempts_setting="OPSPORTAL_MAIL_MAX_ATTEMPTS",
    )
    FailingBackend.errors = []


@pytest.fixture
def webhook_channel(settings, indonesia):
    settings.OPSPORTAL_WEBHOOKS_ALLOW_PRIVATE = True  # the receiver listens on loopback
    receiver, server = start_receiver()
    sub = WebhookSubscription.objects.create(name="CRM", url=receiver.url, event_types=["challenge.went_live"])

    def make():
        [delivery] = webhooks.create_deliveries([sub], "challenge.went_live", indonesia.pk, {"type": "x"})
        return delivery.pk

    def fail_permanently(pk):
        # No request can be made to an address that is not http(s): waiting does not help.
        WebhookSubscription.objects.filter(pk=sub.pk).update(url="ftp://example.com/hook")

    yield Channel(
        name="webhook",
        model=WebhookDelivery,
        policy=webhooks.POLICY,
        make=make,
        deliver=webhooks.attempt_delivery,
        fail_temporarily=lambda: receiver.codes.append(503),
        fail_permanently=fail_permanently,
        max_attempts_setting="OPSPORTAL_WEBHOOK_MAX_ATTEMPTS",
    )
    server.shutdown()
    server.server_close()


@pytest.fixture(params=["mail", "webhook"])
def channel(request) -> Channel:
    return request.getfixturevalue(f"{request.param}_channel")


def _row(channel: Channel, pk: int):
    return channel.model._default_manager.get(pk=pk)


def test_a_new_row_is_queued_and_leased_to_its_task(channel):
    pk = channel.make()
    row = _row(channel, pk)
    assert (row.status, row.attempts) == (DeliveryStatus.QUEUED, 0)
    assert row.next_attempt_at > timezone.now() + channel.policy.enqueue_lease() - dt.timedelta(seconds=5)
    assert outbox.sweep(channel.model, channel.policy) == []  # its task is on the way
    later = timezone.now() + channel.policy.enqueue_lease() + dt.timedelta(seconds=1)
    assert outbox.sweep(channel.model, channel.policy, later) == [pk]  # the task was lost
    assert outbox.sweep(channel.model, channel.policy, later) == []  # leased again: handed once
    assert channel.deliver(pk).status == DeliveryStatus.SENT


def test_a_claimed_row_is_taken_once_and_the_sweep_takes_it_back_when_its_lease_runs_out(channel):
    pk = channel.make()
    rows = channel.model._default_manager.all()
    claimed = outbox.claim(rows, pk, channel.policy)
    assert (claimed.status, claimed.attempts) == (DeliveryStatus.SENDING, 1)
    assert outbox.claim(rows, pk, channel.policy) is None  # a second worker, or a replayed task
    channel.deliver(pk)  # the duplicate task finds the row taken and does nothing
    assert (_row(channel, pk).status, _row(channel, pk).attempts) == (DeliveryStatus.SENDING, 1)

    assert outbox.sweep(channel.model, channel.policy) == []  # within the lease: the worker may be alive
    expired = timezone.now() + channel.policy.stuck_after() + dt.timedelta(seconds=1)
    assert outbox.sweep(channel.model, channel.policy, expired) == [pk]
    row = _row(channel, pk)
    assert (row.status, row.last_error) == (DeliveryStatus.QUEUED, outbox.INTERRUPTED)
    # The dead worker's late word changes nothing: the row is no longer its to finish.
    assert outbox.finish(claimed, DeliveryStatus.SENT) is False
    assert _row(channel, pk).status == DeliveryStatus.QUEUED

    assert channel.deliver(pk).status == DeliveryStatus.SENT
    row = _row(channel, pk)
    assert (row.status, row.attempts, row.next_attempt_at, row.last_error) == (DeliveryStatus.SENT, 2, None, "")
    assert row.sent_at is not None


def test_temporary_failures_are_retried_with_backoff_then_the_row_fails_for_good(channel, settings):
    setattr(settings, channel.max_attempts_setting, 2)
    pk = channel.make()
    channel.fail_temporarily()
    first = channel.deliver(pk)
    assert first.status == outbox.RETRY
    base = channel.policy.retry_base()
    assert base * 0.9 <= first.retry_in <= base * 1.1
    row = _row(channel, pk)
    assert (row.status, row.attempts) == (DeliveryStatus.QUEUED, 1)
    assert row.last_error and row.next_attempt_at > timezone.now() + dt.timedelta(seconds=base * 0.8)
    assert outbox.sweep(channel.model, channel.policy) == []  # not due yet

    channel.fail_temporarily()
    last = channel.deliver(pk)  # the retry (a task's countdown, or the sweep once it is due)
    assert (last.status, last.retry_in) == (DeliveryStatus.FAILED, None)
    row = _row(channel, pk)
    assert (row.status, row.attempts, row.next_attempt_at) == (DeliveryStatus.FAILED, 2, None)
    assert channel.deliver(pk).status != DeliveryStatus.SENT  # a failed row is never sent again
    assert outbox.sweep(channel.model, channel.policy, timezone.now() + dt.timedelta(days=1)) == []


def test_a_permanent_error_fails_the_row_at_once(channel):
    pk = channel.make()
    channel.fail_permanently(pk)
    outcome = channel.deliver(pk)
    assert (outcome.status, outcome.retry_in) == (DeliveryStatus.FAILED, None)
    row = _row(channel, pk)
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, 1)
    assert row.last_error


@pytest.mark.parametrize("policy", [mail.POLICY, webhooks.POLICY], ids=["mail", "webhook"])
def test_backoff_doubles_within_its_jitter_and_stops_at_its_cap(policy, settings):
    settings.OPSPORTAL_MAIL_RETRY_BASE = 30
    base = policy.retry_base()
    for attempts in range(1, 8):
        nominal = min(base * 2 ** (attempts - 1), policy.retry_cap)
        assert outbox.backoff(policy, attempts, rng=lambda low, high: low) == round(nominal * 0.9)
        assert outbox.backoff(policy, attempts, rng=lambda low, high: high) == round(nominal * 1.1)
        assert nominal * 0.9 - 1 <= outbox.backoff(policy, attempts) <= nominal * 1.1 + 1
    assert outbox.backoff(policy, 60) <= policy.retry_cap * 1.1
    configuration = outbox.backoff(policy, 1, outbox.CONFIGURATION, rng=lambda low, high: 1)
    assert configuration == base * policy.configuration_factor  # bad credentials: wait longer


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (ConnectionRefusedError(), outbox.TEMPORARY),
        (TimeoutError(), outbox.TEMPORARY),
        (OSError("network unreachable"), outbox.TEMPORARY),
        (ValueError("a bug"), outbox.PERMANENT),
    ],
)
def test_the_network_errors_every_channel_meets_are_worth_retrying(error, kind):
    assert outbox.classify(error) == kind
    assert mail.classify(error) == kind  # email adds SMTP's codes to the core's rule


def test_webhook_failures_are_worth_retrying_unless_no_request_can_be_made():
    assert webhooks.classify(503, "HTTP 503") == outbox.TEMPORARY
    assert webhooks.classify(None, "ConnectionRefusedError: refused") == outbox.TEMPORARY
    assert webhooks.classify(None, "Not an http(s) URL: ftp://x") == outbox.PERMANENT
