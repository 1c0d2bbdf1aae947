"""Celery tasks of the reminders: the beat tick and one task per country.

Named as when they lived in ``opsportal.tasks``: beat and queued messages carry those names.
"""

from __future__ import annotations

from functools import partial

from celery import shared_task
from django.db import transaction

from locales.models import Country
from opsportal import mail
from opsportal.audit import audit_context
from opsportal.db import Door
from opsportal.tasks import enqueue_deliveries, moment_of

from . import services as reminders


@shared_task(name="opsportal.tasks.reminders_tick", ignore_result=True)
def reminders_tick(now: str | None = None) -> None:
    """Every few minutes: recover the outbox, then run the rules of every country in its working
    hours, and the urgent ones (a regulator's deadline) of the others."""
    moment = moment_of(now)
    enqueue_deliveries(mail.sweep())
    for country_id in reminders.countries_due(moment):
        transaction.on_commit(partial(country_reminders.delay, country_id, now))
    for country_id in reminders.countries_after_hours(moment):
        transaction.on_commit(partial(country_reminders.delay, country_id, now, urgent_only=True))


@shared_task(
    name="opsportal.tasks.country_reminders",
    bind=True,
    ignore_result=True,
    max_retries=5,
    autoretry_for=(Exception,),
    retry_backoff=30,
)
def country_reminders(self, country_id: int, now: str | None = None, urgent_only: bool = False) -> None:
    country = Country.objects.filter(pk=country_id).first()
    if country is None:
        return
    with audit_context(Door.TASK):
        enqueue_deliveries(reminders.queue_country_reminders(country, moment_of(now), urgent_only=urgent_only))
