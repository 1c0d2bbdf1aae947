"""Reading snapshots: what a challenge gained over a week, its day-by-day trend."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone

from .metric_totals import METRICS
from .models import Challenge, ChallengeMetricSnapshot

GAIN_DAYS = 7


def gain_baseline(days: int = GAIN_DAYS, *, now: dt.datetime | None = None, since: dt.datetime | None = None):
    """An expression: the snapshot a gain is counted from, as a JSON object of the metrics.

    That is the latest snapshot at or before ``days`` ago; for a challenge with no snapshot that
    old, its first snapshot (so a new challenge's gain is what it gained since we first measured).
    """
    since = since or (now or timezone.now()) - dt.timedelta(days=days)
    snapshots = ChallengeMetricSnapshot.objects.filter(challenge_id=OuterRef("pk"))
    as_json = JSONObject(**{m: F(m) for m in METRICS})
    older = snapshots.filter(captured_at__lte=since).order_by("-captured_at").values_list(as_json)[:1]
    first = snapshots.order_by("captured_at").values_list(as_json)[:1]
    return Coalesce(Subquery(older), Subquery(first))


def gains(latest: dict, baseline: dict | None) -> dict[str, int]:
    """Metric → gain, from a row's latest totals and its baseline JSON (zeros without snapshots)."""
    if not baseline:
        return dict.fromkeys(METRICS, 0)
    return {m: latest[m] - (baseline.get(m) or 0) for m in METRICS}


def challenge_trend(challenge: Challenge, *, days: int = 30, now: dt.datetime | None = None) -> list[dict]:
    """The last snapshot of each day (in the challenge's country time) over ``days`` days, with gains."""
    now = now or timezone.now()
    zone = challenge.country.zone
    since = now - dt.timedelta(days=days)
    rows = (
        ChallengeMetricSnapshot.objects.filter(challenge=challenge, captured_at__gte=since)
        .order_by("captured_at")
        .values_list("captured_at", *METRICS)
    )
    by_day: dict[dt.date, tuple] = {}
    for row in rows:
        by_day[timezone.localtime(row[0], zone).date()] = row
    points, previous = [], None
    for day, row in sorted(by_day.items()):
        values = dict(zip(METRICS, row[1:], strict=True))
        points.append(
            {
                "date": day,
                "captured_at": row[0],
                **values,
                "views_gained": values["views"] - previous["views"] if previous else None,
                "videos_gained": values["videos"] - previous["videos"] if previous else None,
            }
        )
        previous = values
    return points
