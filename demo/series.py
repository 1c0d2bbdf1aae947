"""Reproducible number series for the demo: follower growth and a challenge's S-curve."""

from __future__ import annotations

import bisect
import datetime as dt
import math

from .base import jitter


def follower_value(anchors: list[tuple[dt.date, int]], day: dt.date, tail: float, key: str) -> int | None:
    """Followers on ``day``: log-linear between anchors, ``tail`` daily growth after the last.

    None before the first anchor (the account did not exist or nobody counted yet). The value
    depends on the date only, so runs on different days agree on every day they share.
    """
    if day < anchors[0][0]:
        return None
    dates = [a[0] for a in anchors]
    i = bisect.bisect_right(dates, day) - 1
    start, low = anchors[i]
    if i + 1 < len(anchors):
        end, high = anchors[i + 1]
        share = (day - start).days / (end - start).days
        value = math.exp(math.log(max(low, 1)) + share * (math.log(max(high, 1)) - math.log(max(low, 1))))
    else:
        value = low * (1 + tail) ** (day - start).days
    if day == start:
        return int(low)
    return int(value * jitter(key, day, spread=0.002))


def snapshot_days(
    first: dt.date, today: dt.date, *, windows: list[tuple[dt.date, dt.date]] = (), recent: int = 30
) -> list[dt.date]:
    """Days a follower count was kept: the 1st of each month, daily windows, and the last ``recent`` days."""
    days = set()
    month = dt.date(first.year, first.month, 1)
    while month <= today:
        if month >= first:
            days.add(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    for start, end in windows:
        day = max(start, first)
        while day <= min(end, today):
            days.add(day)
            day += dt.timedelta(days=1)
    for back in range(recent):
        day = today - dt.timedelta(days=back)
        if day >= first:
            days.add(day)
    return sorted(days)


def s_curve(share: float, steepness: float = 9.0) -> float:
    """0 at the start, 1 at the end, fastest in the middle: how a challenge's views pile up."""
    share = min(max(share, 0.0), 1.0)
    low = 1 / (1 + math.exp(steepness * 0.5))
    high = 1 / (1 + math.exp(-steepness * 0.5))
    return (1 / (1 + math.exp(-steepness * (share - 0.5))) - low) / (high - low)


# Ratios of the other counters to views, per format feel, close to what short-video apps show.
RATIOS = {"videos": 1 / 450, "likes": 0.085, "comments": 0.0042, "shares": 0.0061}


def metric_rows(
    key: str,
    starts: dt.datetime,
    ends: dt.datetime,
    final_views: int,
    *,
    every: dt.timedelta = dt.timedelta(hours=6),
    until: dt.datetime | None = None,
    source: str,
) -> list[dict]:
    """Snapshots from ``starts`` every ``every`` to ``ends`` (or ``until``), reaching ``final_views`` at the end.

    Counts never go down from one snapshot to the next.
    """
    rows, previous = [], dict.fromkeys(("views", *RATIOS), 0)
    total = (ends - starts).total_seconds()
    moment = starts + every
    stop = min(ends, until) if until else ends
    while moment <= stop:
        share = (moment - starts).total_seconds() / total
        curve = final_views * s_curve(share) * jitter(key, moment, spread=0.01)
        views = final_views if moment == ends else min(final_views, int(curve))
        counts = {"views": views}
        for name, ratio in RATIOS.items():
            counts[name] = int(views * ratio * jitter(key, name, moment, spread=0.03))
        counts = {name: max(value, previous[name]) for name, value in counts.items()}
        previous = counts
        rows.append({"captured_at": moment, **counts, "source": source})
        moment += every
    return rows
