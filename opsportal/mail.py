"""Email, one channel of the outbox: every reminder and report email is a ``ReminderDelivery`` row.

The row's life, the lease, the sweep, backoff and the retry-or-give-up decision are the outbox
core's (``opsportal.outbox``); this module keeps what is email's own: rendering a message in its
recipient's language, SMTP, and what an SMTP error means.

- Creating rows is idempotent: the key is unique and rows are inserted with ON CONFLICT DO NOTHING,
  so a replayed tick or two workers create each occasion's row once.
- A send holds its row for ``OPSPORTAL_MAIL_STUCK_AFTER`` (two minutes, renewed just before the
  SMTP conversation); beat's sweep every minute re-queues a row whose worker died and re-enqueues
  queued rows whose task was lost: after a worker is killed every message goes out within about
  lease + one minute.
The one window left is a worker dying after the SMTP server accepted a message and before the row
says so; the message then goes again after the lease, with the same Message-ID, which mail
servers and clients use to drop the copy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Q
from django.utils import timezone, translation

from opsportal import outbox
from opsportal.models import ReminderDelivery
from opsportal.outbox import CONFIGURATION, PERMANENT, TEMPORARY, Outcome

__all__ = ["CONFIGURATION", "PERMANENT", "TEMPORARY", "Outcome"]  # the core's, as they were named here

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


POLICY = outbox.Policy(
    name="mail",
    max_attempts=max_attempts,
    retry_base=retry_base,
    stuck_after=stuck_after,
    enqueue_lease=enqueue_lease,
)


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
    return outbox.lease(ReminderDelivery, POLICY, condition, now, limit)


def sweep(now: dt.datetime | None = None) -> list[int]:
    """Re-queue rows whose sender died, and return queued rows whose task was lost or is due again."""
    return outbox.sweep(ReminderDelivery, POLICY, now)


# --- Sending -------------------------------------------------------------------------
def classify(error: BaseException) -> str:
    """Whether trying again later can help."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return CONFIGURATION  # fixing the settings makes the queued mail go
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return TEMPORARY if codes and all(400 <= code < 500 for code in codes) else PERMANENT
    if isinstance(error, smtplib.SMTPResponseException):
        return TEMPORARY if 400 <= error.smtp_code < 500 else PERMANENT
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return TEMPORARY
    return outbox.classify(error)  # the network's errors, as for every channel


def backoff(attempts: int, kind: str) -> float:
    return outbox.backoff(POLICY, attempts, kind)


def _notify(row: ReminderDelivery) -> list[str]:
    """The inbox entry is written in the claim's transaction: once, whatever the email does."""
    notify = NOTIFIERS.get(row.kind)
    if notify and row.recipient_id and not row.payload.get("notified"):
        notify(row)
        row.payload = {**row.payload, "notified": True}
        return ["payload"]
    return []


def _claim(delivery_id: int, now: dt.datetime) -> ReminderDelivery | None:
    """Take the row if it is still queued; the lock makes a second claimant skip it."""
    return outbox.claim(ReminderDelivery.objects.all(), delivery_id, POLICY, now, on_claim=_notify)


def recipient_address(row: ReminderDelivery) -> str:
    if row.recipient_id:
        user = row.recipient
        return user.email if user.is_active else ""
    return row.to_email


def deliver(delivery_id: int, connection=None) -> Outcome:
    """Send one queued row once. Returns what happened and, for a retry, when to try again."""
    row = _claim(delivery_id, timezone.now())
    if row is None:
        return Outcome(outbox.NOT_QUEUED)
    if not _kind(row.kind).may_still_receive(row):
        return outbox.skipped(row, "recipient may no longer see this")
    to = recipient_address(row)
    if not to:
        return outbox.skipped(row, "no email address")
    try:
        rendered, language = _kind(row.kind).render(row)
        message = build_message(rendered, to, row.key, language)
        # Rendering (a report's charts) may have used part of the lease; SMTP gets a full one.
        outbox.renew_lease(row, POLICY)
        message.connection = connection or get_connection(fail_silently=False)
        message.send()
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the row
        kind = classify(error)
        return outbox.failed(row, POLICY, kind, f"{kind}: {type(error).__name__}: {error}", label=row.key)
    return outbox.succeeded(row)
