"""The outbox core: one row per message to send, sent at most once, nothing dropped.

Both channels use it: email (``opsportal.mail``, rows ``ReminderDelivery``) and webhooks
(``webhooks.services``, rows ``WebhookDelivery``). Their rows share the fields of
``opsportal.models.outbox.OutboxRow`` and one ``DeliveryStatus``; each channel keeps only what is
its own (rendering and SMTP; signing, the SSRF-checked request and disabling a failing
subscription) and describes its limits in a ``Policy``.

Life of a row: ``queued`` → (claimed) ``sending`` → ``sent``; or back to ``queued`` with a later
``next_attempt_at`` after a temporary failure; ``failed`` after a permanent one or too many tries;
``skipped`` when the channel decides not to send (muted, no address, subscription disabled).

``next_attempt_at`` is when the sweep looks at the row again: a retry's time, the end of the lease
of a worker sending it (``sending``), or the end of the lease of a task already handed to the
broker (``queued``).

Guarantees:
- Sending is exclusive: ``claim()`` locks the row (SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL),
  goes on only if it is still ``queued`` and marks it ``sending``. A replayed task, a task
  redelivered after a worker died, or a second worker finds the row taken and does nothing. SQLite
  has no row locks: there the write lock of the claim's transaction serialises claimants, and
  ``finish()`` only moves a row that is still ``sending`` (a compare-and-set).
- Nothing is dropped: ``sweep()`` re-queues a row left ``sending`` once its lease has run out, and
  returns (leased again, so two sweeps do not both hand it) the queued rows that are due: a retry
  whose time has come, or a row whose task was lost.
"""

from __future__ import annotations

import datetime as dt
import http.client
import logging
import random
import socket
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from opsportal.models.outbox import DeliveryStatus

log = logging.getLogger(__name__)

TEMPORARY, PERMANENT, CONFIGURATION = "temporary", "permanent", "configuration"
RETRY = "retry"
NOT_QUEUED = "not-queued"
INTERRUPTED = "interrupted while sending"


def classify(error: BaseException) -> str:
    """Whether trying again later can help, for errors every channel meets (the network)."""
    if isinstance(error, ConnectionError | socket.timeout | TimeoutError | http.client.HTTPException):
        return TEMPORARY
    if isinstance(error, OSError):
        return TEMPORARY
    return PERMANENT


@dataclass(frozen=True)
class Policy:
    """A channel's limits. Callables so that settings changed at run time (tests) are read."""

    name: str
    max_attempts: Callable[[], int]
    retry_base: Callable[[], float]  # seconds before the first retry; each further one waits twice as long
    stuck_after: Callable[[], dt.timedelta]  # how long a send holds its row before the sweep takes it back
    enqueue_lease: Callable[[], dt.timedelta]  # after a row is handed to the broker, before the sweep hands it again
    retry_cap: float = 6 * 3600
    jitter: float = 0.1  # ± this share of each delay, so rows failed together do not retry together
    configuration_factor: float = 10  # a configuration error (bad credentials) waits this much longer
    batch: int = 5000


def backoff(policy: Policy, attempts: int, kind: str = TEMPORARY, rng: Callable[[float, float], float] | None = None):
    """Seconds before the retry after attempt ``attempts``: base, 2 × base, 4 × base, ... ± jitter, capped."""
    base = policy.retry_base() * (policy.configuration_factor if kind == CONFIGURATION else 1)
    delay = min(base * 2 ** max(attempts - 1, 0), policy.retry_cap)
    spread = (rng or random.uniform)(1 - policy.jitter, 1 + policy.jitter)
    return round(delay * spread)


@dataclass
class Outcome:
    status: str
    retry_in: float | None = None
    error: str = ""


def _due(now: dt.datetime) -> Q:
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def lease(
    model: type[models.Model],
    policy: Policy,
    condition: Q | None = None,
    now: dt.datetime | None = None,
    limit: int | None = None,
) -> list[int]:
    """Queued rows matching ``condition`` and due now, leased so the sweep does not hand them twice."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            model._default_manager.select_for_update(skip_locked=True)
            .filter(condition or Q(), status=DeliveryStatus.QUEUED)
            .filter(_due(now))
            .order_by("pk")
            .values_list("pk", flat=True)[: limit or policy.batch]
        )
        if ids:
            model._default_manager.filter(pk__in=ids).update(next_attempt_at=now + policy.enqueue_lease())
    return ids


def sweep(model: type[models.Model], policy: Policy, now: dt.datetime | None = None) -> list[int]:
    """Re-queue rows whose sender died, and return (leased) the queued rows that are due."""
    now = now or timezone.now()
    stuck = model._default_manager.filter(status=DeliveryStatus.SENDING, next_attempt_at__lte=now)
    count = stuck.update(status=DeliveryStatus.QUEUED, next_attempt_at=now, last_error=INTERRUPTED)
    if count:
        log.warning("outbox: re-queued %s %s deliveries left sending by a stopped worker", count, policy.name)
    return lease(model, policy, None, now)


def claim(
    queryset: models.QuerySet,
    pk: int,
    policy: Policy,
    now: dt.datetime | None = None,
    on_claim: Callable[[models.Model], list[str]] | None = None,
):
    """Take the row if it is still queued, mark it ``sending`` under a lease; None if taken or gone.

    ``on_claim(row)`` runs in the claim's transaction (once per attempt) and returns the names of
    the further fields it changed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        row = queryset.select_for_update(skip_locked=True, of=("self",)).filter(pk=pk, status=DeliveryStatus.QUEUED)
        row = row.first()
        if row is None:
            return None
        row.status = DeliveryStatus.SENDING
        row.attempts += 1
        row.next_attempt_at = now + policy.stuck_after()
        extra = on_claim(row) if on_claim else []
        row.save(update_fields=["status", "attempts", "next_attempt_at", *extra])
    return row


def renew_lease(row: models.Model, policy: Policy) -> None:
    """Heartbeat before the slow part (SMTP, the HTTP request): it gets a full lease."""
    row.next_attempt_at = timezone.now() + policy.stuck_after()
    rows = type(row)._default_manager.filter(pk=row.pk, status=DeliveryStatus.SENDING)
    rows.update(next_attempt_at=row.next_attempt_at)


def finish(row: models.Model, status: str, **fields) -> bool:
    """Move a row this worker is sending to ``status``; False if the sweep took it back meanwhile."""
    moved = type(row)._default_manager.filter(pk=row.pk, status=DeliveryStatus.SENDING).update(status=status, **fields)
    for name, value in {"status": status, **fields}.items():
        setattr(row, name, value)
    return bool(moved)


def succeeded(row: models.Model, **fields) -> Outcome:
    finish(row, DeliveryStatus.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None, **fields)
    return Outcome(DeliveryStatus.SENT)


def skipped(row: models.Model, reason: str, **fields) -> Outcome:
    finish(row, DeliveryStatus.SKIPPED, last_error=reason, next_attempt_at=None, **fields)
    return Outcome(DeliveryStatus.SKIPPED)


def failed(row: models.Model, policy: Policy, kind: str, text: str, label: str = "", **fields) -> Outcome:
    """An attempt failed: retry later with backoff, or give up (a permanent error, or too many tries)."""
    text = text[:2000]
    label = label or str(row.pk)
    if kind == PERMANENT or row.attempts >= policy.max_attempts():
        log.error("outbox: %s %s failed for good after %s attempts: %s", policy.name, label, row.attempts, text)
        finish(row, DeliveryStatus.FAILED, last_error=text, next_attempt_at=None, **fields)
        return Outcome(DeliveryStatus.FAILED, error=text)
    delay = backoff(policy, row.attempts, kind)
    log.warning("outbox: %s %s attempt %s failed, retrying in %ss: %s", policy.name, label, row.attempts, delay, text)
    next_attempt = timezone.now() + dt.timedelta(seconds=delay)
    finish(row, DeliveryStatus.QUEUED, last_error=text, next_attempt_at=next_attempt, **fields)
    return Outcome(RETRY, retry_in=delay, error=text)
