"""Periodic work on challenges: thin tasks that call the services."""

from __future__ import annotations

from celery import shared_task

from opsportal.tasks import moment_of


@shared_task(name="challenges.tasks.roll_up_metric_snapshots", ignore_result=True)
def roll_up_metric_snapshots(now: str | None = None) -> int:
    """Every six hours (beat): hourly snapshots past the retention become one a day."""
    from .retention import metric_snapshots_roll_up

    return metric_snapshots_roll_up(now=moment_of(now))
