"""Retention of metric snapshots: hourly for ``OPSPORTAL_METRIC_HOURLY_DAYS`` (90), then one a day.

The rule: a snapshot older than the cutoff (local midnight, in the challenge country's timezone,
``OPSPORTAL_METRIC_HOURLY_DAYS`` days before today there) is kept only when it is the last
snapshot of its challenge's local day. Why the country's day and not UTC's: every figure that reads
old snapshots asks for "the last snapshot before a local midnight" (a weekly report's week, a
goal's quarter, the trend's days) or groups by local day, and the last snapshot of each local day
is exactly what those read; with UTC days a Jakarta week would start from a snapshot up to seven
hours off. The cached totals on Challenge are the latest snapshot, which is the last of its day,
so they never change.

Follower counts are one a day already and are kept as they are.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone

from opsportal.partitions import month_start, next_month

from .models import Challenge, ChallengeMetricSnapshot

log = logging.getLogger(__name__)

# The beat task looks this far behind the cutoff: a daily run rolls up the one day that just
# aged, and a few weeks without beat are caught up. Older history: ``--all`` once.
LOOKBACK_DAYS = 35


def _local_midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=zone)


def roll_up_cutoff(zone: ZoneInfo, now: dt.datetime) -> dt.datetime:
    """The first moment still kept hourly in ``zone``: local midnight N days before today there."""
    today = now.astimezone(zone).date()
    return _local_midnight(today - dt.timedelta(days=settings.OPSPORTAL_METRIC_HOURLY_DAYS), zone)


# Days per statement: at 10,000 hourly challenges a week is 1.7 million rows to rank, a month
# would be 7 million in one transaction (the first run's backlog).
BATCH_DAYS = 7


def _batches(since: dt.date, until: dt.date):
    """Day ranges from ``since`` up to ``until`` (exclusive): a week at most, never across a month
    (so a batch reads at most the two partitions its local days straddle)."""
    day = since
    while day < until:
        end = min(day + dt.timedelta(days=BATCH_DAYS), next_month(month_start(day)), until)
        yield day, end
        day = end


def _roll_up(zone_name: str, start: dt.datetime, end: dt.datetime) -> int:
    zone = ZoneInfo(zone_name)
    day = TruncDate("captured_at", tzinfo=zone)
    within = {"captured_at__gte": start, "captured_at__lt": end}
    # Every snapshot of the window but the last of its challenge's local day.
    doomed = (
        ChallengeMetricSnapshot.objects.filter(challenge__country__timezone=zone_name, **within)
        .annotate(newer=Window(RowNumber(), partition_by=[F("challenge_id"), day], order_by=F("captured_at").desc()))
        .filter(newer__gt=1)
        .values("pk")
    )
    # The time bounds again on the DELETE itself: PostgreSQL then reads only this month's partitions.
    deleted, _ = ChallengeMetricSnapshot.objects.filter(pk__in=doomed, **within).delete()
    return deleted


def metric_snapshots_roll_up(*, now: dt.datetime | None = None, since: dt.date | None = None) -> int:
    """Keep one snapshot a day (the last of each challenge's local day) before the cutoff.

    Looks back ``LOOKBACK_DAYS`` before the cutoff, or from ``since`` (a local date; ``date.min``:
    all history). Idempotent. Set-based, one statement and one transaction per country timezone
    and week (``_batches``), so a year's backlog never becomes one huge transaction. Leaves every
    snapshot after the cutoff and the challenges' cached totals alone. Returns the rows deleted.
    """
    now = now or timezone.now()
    zones = Challenge.objects.values_list("country__timezone", flat=True).distinct().order_by()
    deleted = 0
    for zone_name in sorted(set(zones)):
        zone = ZoneInfo(zone_name)
        cutoff = roll_up_cutoff(zone, now)
        first = since or cutoff.date() - dt.timedelta(days=LOOKBACK_DAYS)
        if first == dt.date.min:
            oldest = ChallengeMetricSnapshot.objects.filter(challenge__country__timezone=zone_name).order_by(
                "captured_at"
            )
            first = oldest.values_list("captured_at", flat=True).first()
            if first is None:
                continue
            first = first.astimezone(zone).date()
        for low, high in _batches(first, cutoff.date()):
            with transaction.atomic():
                count = _roll_up(zone_name, _local_midnight(low, zone), _local_midnight(high, zone))
            if count:
                log.info("metric roll-up: %s %s..%s kept one a day, deleted %s", zone_name, low, high, count)
            deleted += count
    return deleted
