"""Celery tasks of the outbox (``opsportal.mail``): send one row, and the sweep that recovers lost ones.

The features that queue mail have their own tasks (``reminders.tasks``, ``reports.tasks``): each
beat tick finds what is due in each country's local time and fans out one task per country, so
150 countries spread over all workers; every task is enqueued only after the transaction that
produced its work commits. Each task is safe to run twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from opsportal import mail

log = logging.getLogger(__name__)


def moment_of(value: str | None) -> dt.datetime:
    """Ticks accept an explicit time (ISO 8601) so tests can travel through the calendar."""
    return dt.datetime.fromisoformat(value) if value else timezone.now()


# Retries further off than this are left to the sweep (the row holds its next attempt time):
# a countdown longer than the broker's visibility timeout would be redelivered early.
LONGEST_COUNTDOWN = 5 * 60


def _send_delivery(delivery_id: int) -> None:
    """Hand a row to a worker; while the broker is away the row stays queued for the sweep."""
    try:
        deliver.delay(delivery_id)
    except Exception as error:  # noqa: BLE001 - kombu's OperationalError and socket errors alike
        log.warning("outbox: could not queue delivery %s (%s); the sweep will send it", delivery_id, error)


def enqueue_deliveries(ids: list[int]) -> None:
    for delivery_id in ids:
        transaction.on_commit(partial(_send_delivery, delivery_id))


@shared_task(ignore_result=True)
def outbox_sweep() -> int:
    """Every minute (beat): recover the outbox and record that beat and a worker are alive."""
    from opsportal.models.heartbeat import beat

    ids = mail.sweep()
    enqueue_deliveries(ids)
    beat("scheduler", detail=f"outbox sweep re-sent {len(ids)}")
    beat("worker", detail="ran the outbox sweep")
    return len(ids)


@shared_task(bind=True, ignore_result=True, max_retries=None)
def deliver(self, delivery_id: int) -> str:
    """Send one outbox row; the row's state, not Celery's, decides whether and when to retry."""
    outcome = mail.deliver(delivery_id)
    if outcome.retry_in is not None and outcome.retry_in <= LONGEST_COUNTDOWN:
        deliver.apply_async((delivery_id,), countdown=outcome.retry_in)
    return outcome.status


@shared_task(ignore_result=True)
def partitions_ensure() -> int:
    """Every six hours (beat): the coming months' snapshot partitions exist before rows need them
    (PostgreSQL; nothing on SQLite), and rows that fell into a default partition get their month's."""
    from opsportal.partitions import partitions_ensure as ensure

    return len(ensure().created)
