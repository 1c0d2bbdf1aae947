"""Periodic work on influencers: thin tasks that call the services."""

from __future__ import annotations

from celery import shared_task

from opsportal.tasks import moment_of


@shared_task(name="influencers.tasks.refresh_week_gains", ignore_result=True)
def refresh_week_gains(now: str | None = None) -> int:
    """Every quarter hour (beat): the countries whose local day turned get their core
    influencers' weekly gains for the new window; elsewhere one index scan finds nothing."""
    from .gains import refresh_week_gains as refresh

    return refresh(now=moment_of(now))


@shared_task(name="influencers.tasks.refresh_queued_followers", ignore_result=True)
def refresh_queued_followers() -> int:
    """Queued after each bulk batch of follower counts commits, and every minute (beat) in case
    one was lost: the influencers' totals, crossovers and week's gains catch up."""
    from .followers import drain_follower_refreshes

    return drain_follower_refreshes()
