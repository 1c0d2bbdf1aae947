"""Celery tasks of the weekly reports: the beat tick, one task per country report, the HQ report
and a resend.

Named as when they lived in ``opsportal.tasks``: beat and queued messages carry those names.
"""

from __future__ import annotations

from functools import partial

from celery import shared_task
from django.db import transaction

from locales.models import Country
from opsportal.audit import audit_context
from opsportal.db import Door
from opsportal.tasks import enqueue_deliveries, moment_of

from . import services as reports


@shared_task(name="opsportal.tasks.weekly_reports_tick", ignore_result=True)
def weekly_reports_tick(now: str | None = None) -> None:
    """Every few minutes: each country whose Monday send hour has come gets its report task."""
    moment = moment_of(now)
    for country_id, week in reports.due_country_reports(moment):
        transaction.on_commit(partial(country_weekly_report.delay, country_id, week, now))
    week = reports.due_hq_report(moment)
    if week:
        transaction.on_commit(partial(hq_weekly_report.delay, week, now))


# A failing country retries on its own with backoff; the others are separate tasks and go on.
@shared_task(
    name="opsportal.tasks.country_weekly_report",
    bind=True,
    ignore_result=True,
    max_retries=5,
    autoretry_for=(Exception,),
    retry_backoff=60,
)
def country_weekly_report(self, country_id: int, week: str, now: str | None = None) -> None:
    country = Country.objects.filter(pk=country_id).first()
    if country is None:
        return
    with audit_context(Door.TASK):
        dispatch = reports.weekly_report_dispatch(country, week, now=moment_of(now))
    enqueue_deliveries(dispatch.delivery_ids)


@shared_task(
    name="opsportal.tasks.hq_weekly_report",
    bind=True,
    ignore_result=True,
    max_retries=5,
    autoretry_for=(Exception,),
    retry_backoff=60,
)
def hq_weekly_report(self, week: str, now: str | None = None) -> None:
    with audit_context(Door.TASK):
        dispatch = reports.hq_report_dispatch(week, now=moment_of(now))
    enqueue_deliveries(dispatch.delivery_ids)


@shared_task(name="opsportal.tasks.resend_weekly_report", ignore_result=True)
def resend_weekly_report(report_id: int) -> None:
    from reports.models import WeeklyReport

    report = WeeklyReport.objects.select_related("country").filter(pk=report_id).first()
    if report is not None:
        enqueue_deliveries(reports.weekly_report_resend(report).delivery_ids)
