"""The week's follower gain of each core influencer, stored so the dashboard reads it by index.

A core influencer's gain over the week since ``since`` (their country's local today − 7) is the
sum over their accounts of the latest count after ``since`` minus the last count at or before
it; accounts missing either count are skipped, and an influencer with none has no gain (NULL).
``Influencer.week_gain_since`` names the ``since`` a stored gain was computed for: a gain whose
date is not the country's current one is stale, and readers compute it live (``live_week_gains``).

Kept by ``refresh_week_gains``, called by the cached follower refresh (every door that writes
counts or accounts) and for newly core influencers; the window moving at each country's local
midnight is caught by the ``influencers.tasks.refresh_week_gains`` beat task. Only core rows
are computed, the others are set to NULL when touched. Set-based SQL on PostgreSQL, a portable
ORM path elsewhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import BigIntegerField, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from opsportal.access import in_country
from opsportal.db import bulk_cursor, pg_array
from opsportal.models import Country

from .models import FollowerSnapshot, Influencer, PlatformAccount

WEEK_DAYS = 7


def week_since(today: dt.date) -> dt.date:
    """The day the week's gain is counted from: the last count at or before it is the start."""
    return today - dt.timedelta(days=WEEK_DAYS)


def _sinces(*, today: dt.date | None, now: dt.datetime | None) -> dict[int, dt.date]:
    """Country id → its current ``since`` (``today`` given: the same day for every country)."""
    now = now or timezone.now()
    zones = Country._base_manager.values_list("pk", "timezone")
    return {pk: week_since(today or timezone.localdate(now, timezone=ZoneInfo(zone))) for pk, zone in zones}


def stale(since: dt.date) -> Q:
    """Rows whose stored gain is not the one for ``since`` (three ranges: the index serves each)."""
    return Q(week_gain_since__isnull=True) | Q(week_gain_since__lt=since) | Q(week_gain_since__gt=since)


# Target rows are named through their country's ``since`` (unnest), so one statement serves
# influencers of several countries. Only rows whose gain or date moves are rewritten: every
# rewrite of an influencer writes each of its indexes again. The latest count is the account's
# cached one (kept by follower ingestion, which calls this after it): one probe per account.
_REFRESH_SQL = """
WITH target AS (
    SELECT i.id, i.is_core, t.since
    FROM unnest(%(countries)s::bigint[], %(sinces)s::date[]) AS t(country_id, since)
    JOIN influencers_influencer i ON i.country_id = t.country_id
    WHERE {where}
), computed AS (
    SELECT g.id,
           CASE WHEN g.is_core THEN g.since END AS since,
           CASE WHEN g.is_core THEN (
               SELECT sum(a.followers - b.followers)
               FROM influencers_platformaccount a
               CROSS JOIN LATERAL (
                   SELECT s.followers FROM influencers_followersnapshot s
                   WHERE s.account_id = a.id AND s.date <= g.since ORDER BY s.date DESC LIMIT 1
               ) b
               WHERE a.influencer_id = g.id AND a.followers_on > g.since
           ) END AS gain
    FROM target g
)
UPDATE influencers_influencer AS i SET week_gain = c.gain, week_gain_since = c.since
FROM computed c
WHERE i.id = c.id AND (i.week_gain, i.week_gain_since) IS DISTINCT FROM (c.gain, c.since)
"""

# Named influencers: the core ones, and any other still holding a figure (it becomes NULL).
_BY_ID = "i.id = ANY(%(ids)s::bigint[]) AND (i.is_core OR i.week_gain_since IS NOT NULL)"
# The window moved: core rows whose date is not their country's current one (the partial index).
_STALE = "i.is_core AND (i.week_gain_since IS NULL OR i.week_gain_since <> t.since)"


def refresh_week_gains(
    *,
    influencer_ids: Iterable[int] | None = None,
    country=None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Store the week's gain of these influencers for their country's current ``since``.

    ``influencer_ids``: recompute those (after their counts or accounts changed); without them,
    the core influencers (of ``country``, or of every country) whose stored gain is stale. Each
    country's today is its local date at ``now``, unless ``today`` names it. Across the scope
    (a derived figure, like the cached totals). Returns the number of rows rewritten.
    """
    sinces = _sinces(today=today, now=now)
    if country is not None:
        country_id = getattr(country, "pk", country)
        sinces = {country_id: sinces[country_id]} if country_id in sinces else {}
    ids = None if influencer_ids is None else sorted(set(influencer_ids))
    if not sinces or ids == []:
        return 0
    if connection.vendor == "postgresql":
        params = {"countries": pg_array(list(sinces)), "sinces": pg_array(list(sinces.values()))}
        if ids is not None:
            params["ids"] = pg_array(ids)
        with bulk_cursor() as cursor:
            cursor.execute(_REFRESH_SQL.format(where=_STALE if ids is None else _BY_ID), params)
            return cursor.rowcount
    return _refresh_portable(ids, sinces)


def _gain_of(since: dt.date) -> Subquery:
    """An influencer's stored-path gain (``OuterRef("pk")``): cached latest counts after ``since``."""
    before = (
        FollowerSnapshot._base_manager.filter(account=OuterRef("pk"), date__lte=since)
        .order_by("-date")
        .values("followers")[:1]
    )
    per_influencer = (
        PlatformAccount._base_manager.filter(influencer=OuterRef("pk"), followers_on__gt=since)
        .order_by()
        .values("influencer")
        .annotate(gain=Sum(F("followers") - Subquery(before), output_field=BigIntegerField()))
        .values("gain")
    )
    return Subquery(per_influencer, output_field=BigIntegerField())


def _refresh_portable(ids: list[int] | None, sinces: dict[int, dt.date]) -> int:
    rows = Influencer._base_manager.all()
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    changed = 0
    for country_id, since in sinces.items():
        here = in_country(rows, country_id)
        if ids is None:
            changed += here.filter(stale(since), is_core=True).update(week_gain=_gain_of(since), week_gain_since=since)
            continue
        changed += here.filter(is_core=True).update(week_gain=_gain_of(since), week_gain_since=since)
        changed += here.filter(is_core=False).exclude(week_gain_since=None).update(week_gain=None, week_gain_since=None)
    return changed


def live_week_gains(influencers: QuerySet, since: dt.date) -> QuerySet:
    """``influencers`` annotated with ``gain``, computed from the snapshots (two index probes per
    account on (account, date)): the readers' answer for rows whose stored gain is stale."""
    snapshots = FollowerSnapshot._base_manager.filter(account=OuterRef("pk")).values("followers")
    latest = Subquery(snapshots.filter(date__gt=since).order_by("-date")[:1])
    before = Subquery(snapshots.filter(date__lte=since).order_by("-date")[:1])
    per_influencer = (
        PlatformAccount._base_manager.filter(influencer=OuterRef("pk"))
        .order_by()
        .values("influencer")
        # Each subquery appears once: SUM skips accounts missing either count (NULL).
        .annotate(gain=Sum(latest - before, output_field=BigIntegerField()))
        .values("gain")
    )
    return influencers.annotate(gain=Subquery(per_influencer, output_field=BigIntegerField()))


def top_week_gains(influencers: QuerySet, today: dt.date, *, limit: int = 5) -> list[Influencer]:
    """The ``limit`` core influencers of ``influencers`` (one country's) who gained most this
    week, each with ``gain`` (> 0), largest first. Stored gains by index, the stale rows (none
    once the beat task or ingestion ran) live: two queries, exact whatever the stored state."""
    since = week_since(today)
    core = influencers.filter(is_core=True)
    stored = core.filter(week_gain_since=since, week_gain__gt=0).annotate(gain=F("week_gain"))
    stored = stored.order_by("-week_gain", "pk")[:limit]
    live = live_week_gains(core.filter(stale(since)), since).order_by(F("gain").desc(nulls_last=True), "pk")[:limit]
    rows = [row for row in (*stored, *live) if row.gain and row.gain > 0]
    return sorted(rows, key=lambda row: (-row.gain, row.pk))[:limit]
