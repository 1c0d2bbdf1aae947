"""The outbox: each row sent at most once, temporary failures retried with backoff, nothing dropped."""

import datetime as dt
import smtplib

import pytest
from django.core import mail as django_mail
from django.utils import timezone

from notifications.models import Notification
from opsportal import mail
from opsportal.models import ReminderDelivery
from opsportal.models.outbox import DeliveryStatus

PAYLOAD = {
    "country": "Indonesia",
    "country_id": None,
    "timezone": "Asia/Jakarta",
    "country_language": "id",
    "task": "Book the stage",
    "event": "DWP",
    "due_on": "2026-11-23",
    "days": 0,
    "path": "/events/",
}


@pytest.fixture
def row(id_operator, indonesia):
    [pk] = mail.queue(
        [
            ReminderDelivery(
                key="task_due:1:2026-11-23:0:u1",
                recipient=id_operator,
                kind="task_due",
                payload={**PAYLOAD, "country_id": indonesia.pk},
            )
        ]
    )
    return ReminderDelivery.objects.get(pk=pk)


class FailingBackend:
    """An email backend whose send raises the errors it is given, in order, then succeeds."""

    errors: list = []

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        if FailingBackend.errors:
            raise FailingBackend.errors.pop(0)
        django_mail.outbox.extend(messages)
        return len(messages)


@pytest.fixture
def failing(settings):
    settings.EMAIL_BACKEND = "tests.opsportal.test_mail.FailingBackend"
    FailingBackend.errors = []
    return FailingBackend


def test_queue_is_idempotent_by_key(id_operator):
    rows = lambda: [ReminderDelivery(key="k1", recipient=id_operator, kind="task_due", payload=PAYLOAD)]  # noqa: E731
    first = mail.queue(rows())
    assert len(first) == 1
    assert mail.queue(rows()) == []  # already queued and leased: not handed out again
    assert ReminderDelivery.objects.count() == 1


def test_deliver_sends_once_with_a_stable_message_id(row, id_operator):
    id_operator.profile.preferred_language = "en"
    id_operator.profile.save()
    assert mail.deliver(row.pk).status == DeliveryStatus.SENT
    assert mail.deliver(row.pk).status == "not-queued"
    [message] = django_mail.outbox
    assert message.to == ["id-operator@example.com"]
    assert message.extra_headers["Message-ID"] == mail.message_id(row.key)
    assert message.subject == "[Indonesia] Task due today: Book the stage"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.next_attempt_at) == (DeliveryStatus.SENT, 1, None)
    [note] = Notification.objects.filter(recipient=id_operator)
    assert (note.kind, note.url, note.read_at) == ("task_due", "/events/", None)


def test_the_subject_names_the_country_in_the_readers_language(row, id_operator):
    id_operator.profile.preferred_language = "ja"
    id_operator.profile.save()
    ReminderDelivery.objects.filter(pk=row.pk).update(payload={**row.payload, "country_code": "ID"})
    mail.deliver(row.pk)
    [message] = django_mail.outbox
    assert message.subject.startswith("[インドネシア] ")


def test_recipient_language_is_used(row, id_operator):
    id_operator.profile.preferred_language = "id"
    id_operator.profile.save()
    mail.deliver(row.pk)
    [message] = django_mail.outbox
    assert message.extra_headers["Content-Language"] == "id"
    assert 'lang="id"' in message.alternatives[0][0]


def test_temporary_failure_is_retried_with_backoff_then_sent(row, failing, settings):
    settings.OPSPORTAL_MAIL_RETRY_BASE = 30
    failing.errors = [smtplib.SMTPRecipientsRefused({"x": (451, b"busy")}), smtplib.SMTPServerDisconnected("gone")]
    first = mail.deliver(row.pk)
    assert first.status == "retry" and 27 <= first.retry_in <= 33  # 30 s ± 10 % jitter
    row.refresh_from_db()
    assert row.status == DeliveryStatus.QUEUED and row.last_error.startswith("temporary: SMTPRecipientsRefused")
    assert row.next_attempt_at > timezone.now() + dt.timedelta(seconds=25)
    assert 54 <= mail.deliver(row.pk).retry_in <= 66  # twice as long
    assert mail.deliver(row.pk).status == DeliveryStatus.SENT
    row.refresh_from_db()
    assert (row.attempts, row.last_error) == (3, "")
    assert len(django_mail.outbox) == 1
    assert Notification.objects.count() == 1  # the inbox entry is written on the first attempt only


def test_permanent_failure_is_not_retried(row, failing):
    failing.errors = [smtplib.SMTPRecipientsRefused({"x": (550, b"no such user")})]
    outcome = mail.deliver(row.pk)
    assert outcome.status == DeliveryStatus.FAILED and outcome.retry_in is None
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED and "550" in row.last_error


def test_gives_up_after_max_attempts(row, failing, settings):
    settings.OPSPORTAL_MAIL_MAX_ATTEMPTS = 2
    failing.errors = [ConnectionRefusedError("down"), ConnectionRefusedError("down")]
    assert mail.deliver(row.pk).status == "retry"
    assert mail.deliver(row.pk).status == DeliveryStatus.FAILED


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (smtplib.SMTPAuthenticationError(535, b"bad"), mail.CONFIGURATION),
        (smtplib.SMTPDataError(452, b"full"), mail.TEMPORARY),
        (smtplib.SMTPDataError(554, b"spam"), mail.PERMANENT),
        (smtplib.SMTPSenderRefused(421, b"later", "a@b"), mail.TEMPORARY),
        (TimeoutError(), mail.TEMPORARY),
        (ValueError("template bug"), mail.PERMANENT),
    ],
)
def test_error_kinds(error, kind):
    assert mail.classify(error) == kind


def test_a_row_left_sending_by_a_dead_worker_is_requeued_after_its_lease(row, settings):
    settings.OPSPORTAL_MAIL_STUCK_AFTER = 60
    ReminderDelivery.objects.filter(pk=row.pk).update(
        status=DeliveryStatus.SENDING, attempts=1, next_attempt_at=timezone.now() + dt.timedelta(seconds=60)
    )
    assert mail.sweep() == []  # still within the lease: the worker may be alive
    assert mail.deliver(row.pk).status == "not-queued"  # a redelivered task does not send it twice
    assert mail.sweep(timezone.now() + dt.timedelta(seconds=61)) == [row.pk]
    row.refresh_from_db()
    assert row.status == DeliveryStatus.QUEUED and row.last_error == "interrupted while sending"
    assert mail.deliver(row.pk).status == DeliveryStatus.SENT


def test_sweep_hands_out_a_queued_row_again_only_after_the_lease(row, settings):
    settings.OPSPORTAL_MAIL_ENQUEUE_LEASE = 600
    assert mail.sweep() == []  # just queued: its task is on the way
    assert mail.sweep(timezone.now() + dt.timedelta(seconds=601)) == [row.pk]


def test_person_without_address_gets_the_inbox_entry_only(row, id_operator):
    id_operator.email = ""
    id_operator.save()
    assert mail.deliver(row.pk).status == DeliveryStatus.SKIPPED
    assert not django_mail.outbox
    assert Notification.objects.filter(recipient=id_operator).count() == 1


def test_language_falls_back_to_the_country_then_english():
    assert mail.language_for("th", "id") == "th"
    assert mail.language_for("", "id") == "id"
    assert mail.language_for("xx", "yy") == "en"


def test_an_address_outside_the_staff_gets_email_and_no_inbox_entry(db):
    [pk] = mail.queue(
        [ReminderDelivery(key="ext:1", to_email="partners@example.com", kind="task_due", payload=PAYLOAD)]
    )
    assert mail.deliver(pk).status == DeliveryStatus.SENT
    assert django_mail.outbox[0].to == ["partners@example.com"]
    assert not Notification.objects.exists()
