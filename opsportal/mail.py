"""The outbox: every reminder and report email is a ``ReminderDelivery`` row, sent at most once.

Life of a row: ``queued`` → (claimed) ``sending`` → ``sent``; or back to ``queued`` with a later
``next_attempt_at`` after a temporary failure; ``failed`` after a permanent one or too many tries;
``skipped`` when muted or the person has no address.

Guarantees:
- Creating rows is idempotent: the key is unique and rows are inserted with ON CONFLICT DO NOTHING,
  so a replayed tick or two workers create each occasion's row once.
- Sending is exclusive: ``deliver()`` locks the row (SELECT … FOR UPDATE SKIP LOCKED), goes on only if
  it is still ``queued`` and marks it ``sending`` before talking to SMTP. A replayed task, a task
  redelivered after a worker died, or a second worker finds the row taken and does nothing.
- Nothing is dropped: a row left ``sending`` by a dead worker is re-queued once its lease
  (``OPSPORTAL_MAIL_STUCK_AFTER``, two minutes, renewed just before the SMTP conversation) has run
  out, and queued rows whose task was lost (a worker killed, Redis restarted, the broker away when
  the row was queued) are re-enqueued by ``sweep()``, which beat runs every minute: after a worker
  is killed every message goes out within about lease + one minute.
The one window left is a worker dying after the SMTP server accepted a message and before the row
says so; the message then goes again after the lease, with the same Message-ID, which mail
servers and clients use to drop the copy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import smtplib
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from opsportal.models import ReminderDelivery
from opsportal.models.outbox import DeliveryStatus

log = logging.getLogger(__name__)


def _setting(name: str, default):
    return getattr(settings, name, default)


def max_attempts() -> int:
    return _setting("OPSPORTAL_MAIL_MAX_ATTEMPTS", 8)


def retry_base() -> float:
    """Seconds before the first retry; each further retry waits twice as long."""
    return float(_setting("OPSPORTAL_MAIL_RETRY_BASE", 30))


def stuck_after() -> dt.timedelta:
    """How long a send may hold its row before the sweeper assumes the worker died."""
    return dt.timedelta(seconds=_setting("OPSPORTAL_MAIL_STUCK_AFTER", 120))


def enqueue_lease() -> dt.timedelta:
    """After a row is handed to the queue, how long before the sweeper hands it again."""
    return dt.timedelta(seconds=_setting("OPSPORTAL_MAIL_ENQUEUE_LEASE", 120))


# --- Rendering ------------------------------------------------------------------------
@dataclass
class Rendered:
    subject: str
    text: str
    html: str = ""
    images: tuple[tuple[str, bytes], ...] = ()  # (content id, PNG bytes), shown inline by the HTML


def language_for(profile_language: str | None, country_language: str | None = None) -> str:
    """The recipient's language where we have it, else the country's, else the site default."""
    available = {code for code, _name in settings.LANGUAGES}
    for candidate in (profile_language, country_language):
        if candidate and candidate in available and translation.check_for_language(candidate):
            return candidate
    return settings.LANGUAGE_CODE


def message_id(key: str) -> str:
    """The same Message-ID on every attempt of a row, so a duplicate is recognisable downstream."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "opsportal.localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def build_message(rendered: Rendered, to: str, key: str, language: str) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": message_id(key), "Content-Language": language, "Auto-Submitted": "auto-generated"},
    )
    if rendered.html:
        message.attach_alternative(rendered.html, "text/html")
    if rendered.images:
        # multipart/related around the alternatives: the HTML shows the images by Content-ID.
        message.mixed_subtype = "related"
        for cid, data in rendered.images:
            image = MIMEImage(data, "png")
            image.add_header("Content-ID", f"<{cid}>")
            image.add_header("Content-Disposition", "inline", filename=f"{cid}.png")
            message.attach(image)
    return message


@dataclass(frozen=True)
class MessageKind:
    """How the feature that queues a kind of message renders it and re-checks its recipient.

    ``render(row) -> (Rendered, language)``; ``may_still_receive(row) -> bool`` is asked at
    sending time (the recipient's team may have changed since the row was queued).
    """

    render: Callable
    may_still_receive: Callable


# Filled by the feature apps' ``AppConfig.ready()`` (reminders, reports): the outbox is the floor
# and never imports the features that use it.
KINDS: dict[str, MessageKind] = {}


def register(kinds: Iterable[str], message_kind: MessageKind) -> None:
    for kind in kinds:
        KINDS[kind] = message_kind


# A feature that keeps its own copy of a sent message (the portal inbox) registers it here: it is
# written once, when a row is claimed for sending.
NOTIFIERS: dict[str, Callable] = {}


def register_notifier(kinds: Iterable[str], notify: Callable) -> None:
    for kind in kinds:
        NOTIFIERS[kind] = notify


def _kind(kind: str) -> MessageKind:
    try:
        return KINDS[kind]
    except KeyError:
        raise LookupError(f"no feature registered outbox messages of kind {kind!r}") from None


# --- Queueing ------------------------------------------------------------------------
def queue(rows: Iterable[ReminderDelivery], now: dt.datetime | None = None) -> list[int]:
    """Insert rows that do not exist yet (by key) and return the ids to hand to workers now."""
    rows = list(rows)
    if not rows:
        return []
    now = now or timezone.now()
    for row in rows:
        if row.next_attempt_at is None:
            row.next_attempt_at = now
    ReminderDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return lease(Q(key__in=[row.key for row in rows]), now)


def lease(condition: Q, now: dt.datetime | None = None, limit: int = 5000) -> list[int]:
    """Queued rows matching ``condition`` and due now, leased so the sweeper does not hand them twice."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            ReminderDelivery.objects.select_for_update(skip_locked=True)
            .filter(condition, status=DeliveryStatus.QUEUED)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            ReminderDelivery.objects.filter(pk__in=ids).update(next_attempt_at=now + enqueue_lease())
    return ids


def sweep(now: dt.datetime | None = None) -> list[int]:
    """Re-queue rows whose sender died, and return queued rows whose task was lost or is due again."""
    now = now or timezone.now()
    stuck = ReminderDelivery.objects.filter(status=DeliveryStatus.SENDING, next_attempt_at__lte=now)
    count = stuck.update(status=DeliveryStatus.QUEUED, next_attempt_at=now, last_error="interrupted while sending")
    if count:
        log.warning("outbox: re-queued %s deliveries left sending by a stopped worker", count)
    return lease(Q(), now)


# --- Sending -------------------------------------------------------------------------
@dataclass
class Outcome:
    status: str
    retry_in: float | None = None
    error: str = ""


TEMPORARY, PERMANENT, CONFIGURATION = "temporary", "permanent", "configuration"


def classify(error: BaseException) -> str:
    """Whether trying again later can help."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return CONFIGURATION  # fixing the settings makes the queued mail go
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return TEMPORARY if codes and all(400 <= code < 500 for code in codes) else PERMANENT
    if isinstance(error, smtplib.SMTPResponseException):
        return TEMPORARY if 400 <= error.smtp_code < 500 else PERMANENT
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | ConnectionError | socket.timeout):
        return TEMPORARY
    if isinstance(error, OSError):
        return TEMPORARY
    return PERMANENT


def backoff(attempts: int, kind: str) -> float:
    base = retry_base() * (10 if kind == CONFIGURATION else 1)
    return min(base * 2 ** max(attempts - 1, 0), 6 * 3600)


def _claim(delivery_id: int, now: dt.datetime) -> ReminderDelivery | None:
    """Take the row if it is still queued; the lock makes a second claimant skip it."""
    with transaction.atomic():
        row = (
            ReminderDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, status=DeliveryStatus.QUEUED)
            .first()
        )
        if row is None:
            return None
        row.status = DeliveryStatus.SENDING
        row.attempts += 1
        row.next_attempt_at = now + stuck_after()
        notify = NOTIFIERS.get(row.kind)
        if notify and row.recipient_id and not row.payload.get("notified"):
            # The inbox entry is written in the claim's transaction: once, whatever the email does.
            notify(row)
            row.payload = {**row.payload, "notified": True}
        row.save(update_fields=["status", "attempts", "next_attempt_at", "payload"])
    return row


def _renew_lease(row: ReminderDelivery) -> None:
    """Heartbeat: rendering (a report's charts) may have used part of the lease; SMTP gets a full one.

    The lease is short so that a killed worker's mail goes out within minutes; renewing it here
    keeps a slow render from letting the sweeper hand a live send to a second worker.
    """
    ReminderDelivery.objects.filter(pk=row.pk, status=DeliveryStatus.SENDING).update(
        next_attempt_at=timezone.now() + stuck_after()
    )


def _finish(row: ReminderDelivery, status: str, **fields) -> None:
    ReminderDelivery.objects.filter(pk=row.pk, status=DeliveryStatus.SENDING).update(status=status, **fields)


def recipient_address(row: ReminderDelivery) -> str:
    if row.recipient_id:
        user = row.recipient
        return user.email if user.is_active else ""
    return row.to_email


def deliver(delivery_id: int, connection=None) -> Outcome:
    """Send one queued row once. Returns what happened and, for a retry, when to try again."""
    now = timezone.now()
    row = _claim(delivery_id, now)
    if row is None:
        return Outcome("not-queued")
    if not _kind(row.kind).may_still_receive(row):
        _finish(row, DeliveryStatus.SKIPPED, last_error="recipient may no longer see this", next_attempt_at=None)
        return Outcome(DeliveryStatus.SKIPPED)
    to = recipient_address(row)
    if not to:
        _finish(row, DeliveryStatus.SKIPPED, last_error="no email address", next_attempt_at=None)
        return Outcome(DeliveryStatus.SKIPPED)
    try:
        rendered, language = _kind(row.kind).render(row)
        message = build_message(rendered, to, row.key, language)
        _renew_lease(row)
        message.connection = connection or get_connection(fail_silently=False)
        message.send()
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the row
        kind = classify(error)
        text = f"{kind}: {type(error).__name__}: {error}"[:2000]
        if kind == PERMANENT or row.attempts >= max_attempts():
            log.error("outbox: %s failed for good after %s attempts: %s", row.key, row.attempts, text)
            _finish(row, DeliveryStatus.FAILED, last_error=text, next_attempt_at=None)
            return Outcome(DeliveryStatus.FAILED, error=text)
        delay = backoff(row.attempts, kind)
        log.warning("outbox: %s attempt %s failed, retrying in %ss: %s", row.key, row.attempts, delay, text)
        _finish(
            row,
            DeliveryStatus.QUEUED,
            last_error=text,
            next_attempt_at=timezone.now() + dt.timedelta(seconds=delay),
        )
        return Outcome("retry", retry_in=delay, error=text)
    _finish(row, DeliveryStatus.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None)
    return Outcome(DeliveryStatus.SENT)
