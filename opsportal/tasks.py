"""Celery tasks: thin doors onto the reminder, report and outbox services.

The two beat ticks find what is due in each country's local time and fan out one task per
country (or report), so 150 countries spread over all workers; every task is enqueued only
after the transaction that produced its work commits. Each task is safe to run twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from locales.models import Country
from opsportal import mail
from opsportal.audit import audit_context
from opsportal.db import Door
from opsportal.reminders import services as reminders
from opsportal.reports import services as reports

log = logging.getLogger(__name__)


def _now(value: str | None) -> dt.datetime:
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


@shared_task(ignore_result=True)
def reminders_tick(now: str | None = None) -> None:
    """Every few minutes: recover the outbox, then run the rules of every country in its working hours."""
    moment = _now(now)
    enqueue_deliveries(mail.sweep())
    for country_id in reminders.countries_due(moment):
        transaction.on_commit(partial(country_reminders.delay, country_id, now))


@shared_task(bind=True, ignore_result=True, max_retries=5, autoretry_for=(Exception,), retry_backoff=30)
def country_reminders(self, country_id: int, now: str | None = None) -> None:
    country = Country.objects.filter(pk=country_id).first()
    if country is None:
        return
    with audit_context(Door.TASK):
        enqueue_deliveries(reminders.queue_country_reminders(country, _now(now)))


@shared_task(bind=True, ignore_result=True, max_retries=None)
def deliver(self, delivery_id: int) -> str:
    """Send one outbox row; the row's state, not Celery's, decides whether and when to retry."""
    outcome = mail.deliver(delivery_id)
    if outcome.retry_in is not None and outcome.retry_in <= LONGEST_COUNTDOWN:
        deliver.apply_async((delivery_id,), countdown=outcome.retry_in)
    return outcome.status


@shared_task(ignore_result=True)
def weekly_reports_tick(now: str | None = None) -> None:
    """Every few minutes: each country whose Monday send hour has come gets its report task."""
    moment = _now(now)
    for country_id, week in reports.due_country_reports(moment):
        transaction.on_commit(partial(country_weekly_report.delay, country_id, week, now))
    week = reports.due_hq_report(moment)
    if week:
        transaction.on_commit(partial(hq_weekly_report.delay, week, now))


# A failing country retries on its own with backoff; the others are separate tasks and go on.
@shared_task(bind=True, ignore_result=True, max_retries=5, autoretry_for=(Exception,), retry_backoff=60)
def country_weekly_report(self, country_id: int, week: str, now: str | None = None) -> None:
    country = Country.objects.filter(pk=country_id).first()
    if country is None:
        return
    with audit_context(Door.TASK):
        dispatch = reports.weekly_report_dispatch(country, week, now=_now(now))
    enqueue_deliveries(dispatch.delivery_ids)


@shared_task(bind=True, ignore_result=True, max_retries=5, autoretry_for=(Exception,), retry_backoff=60)
def hq_weekly_report(self, week: str, now: str | None = None) -> None:
    with audit_context(Door.TASK):
        dispatch = reports.hq_report_dispatch(week, now=_now(now))
    enqueue_deliveries(dispatch.delivery_ids)


@shared_task(ignore_result=True)
def resend_weekly_report(report_id: int) -> None:
    from opsportal.models import WeeklyReport

    report = WeeklyReport.objects.select_related("country").filter(pk=report_id).first()
    if report is not None:
        enqueue_deliveries(reports.weekly_report_resend(report).delivery_ids)
