"""An influencer's cached follower figures and the queue that brings them up to date.

``PlatformAccount.followers``/``followers_on`` follow the account's latest snapshot;
``Influencer.total_followers`` sums the accounts, ``crossed_over_on`` is the first date our
platform's account led their largest other one. A bulk batch queues its influencers
(``FollowerRefresh``) and a worker refreshes them after it commits; single counts refresh at once.
Also the reading side: the baseline a growth figure counts from.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from opsportal.db import bulk_cursor, pg_array
from opsportal.models.markets import local_date

from .models import (
    OWN_PLATFORM,
    PUBLIC_PROFILE_FIELDS,
    FollowerRefresh,
    FollowerSnapshot,
    Influencer,
    PlatformAccount,
)

GROWTH_DAYS = 30

log = logging.getLogger(__name__)


# --- cached totals ---------------------------------------------------------------------------

# Each refresh names its target rows twice: through unnest() for the per-id work, and with
# ``id = ANY(...)`` so that PostgreSQL fetches just those rows by index instead of hashing every
# account or influencer of every country to join them.
_ACCOUNTS_SQL = """
UPDATE influencers_platformaccount AS a
SET followers = coalesce(l.followers, 0), followers_on = l.date, updated_at = %(now)s
FROM unnest(%(ids)s::bigint[]) AS t(id)
LEFT JOIN LATERAL (
    SELECT s.date, s.followers FROM influencers_followersnapshot s
    WHERE s.account_id = t.id ORDER BY s.date DESC LIMIT 1
) l ON true
WHERE a.id = t.id AND a.id = ANY(%(ids)s::bigint[])
  AND (a.followers, a.followers_on) IS DISTINCT FROM (coalesce(l.followers, 0), l.date)
"""

# One rewrite per influencer whose total or crossover moved: the influencer table's indexes
# (sorting, updated_since, search) make every rewrite write each of them again, so totals and
# crossover travel together and unchanged rows are left alone.
#
# The crossover is the first date from ``since`` on when our platform's account had more
# followers than the largest other account had by then; dates before ``since`` keep their
# verdict (a snapshot only changes what is known from its own date on), so influencers who
# crossed over before it are skipped. When none of an influencer's accounts has a count dated
# after ``since`` (a daily feed: the batch is the latest), ``since`` is the only date left to
# judge and the accounts' cached counts are each one's latest by then: no snapshot is read.
# Otherwise (a correction in the past, a backfill) every own snapshot from ``since`` on is
# compared with the others' latest by its date.
_INFLUENCERS_SQL = """
UPDATE influencers_influencer AS i
SET total_followers = v.total, crossed_over_on = v.crossed, updated_at = %(now)s
FROM (
    SELECT t.influencer_id, x.total,
           CASE WHEN p.crossed_over_on < t.since THEN p.crossed_over_on
                WHEN x.latest THEN CASE WHEN x.own > x.others THEN t.since END
                ELSE h.day END AS crossed
    FROM unnest(%(ids)s::bigint[], %(since)s::date[]) AS t(influencer_id, since)
    JOIN influencers_influencer p ON p.id = t.influencer_id
    CROSS JOIN LATERAL (
        SELECT coalesce(sum(a.followers), 0) AS total,
               coalesce(bool_and(a.followers_on IS NULL OR a.followers_on <= t.since), true) AS latest,
               max(a.followers) FILTER (WHERE a.platform = %(own)s AND a.followers_on = t.since) AS own,
               max(a.followers) FILTER (WHERE a.platform <> %(own)s AND a.followers_on IS NOT NULL) AS others
        FROM influencers_platformaccount a WHERE a.influencer_id = t.influencer_id
    ) x
    LEFT JOIN LATERAL (
        SELECT min(s.date) AS day
        FROM influencers_platformaccount a
        JOIN influencers_followersnapshot s ON s.account_id = a.id AND s.date >= t.since
        WHERE NOT x.latest AND (p.crossed_over_on IS NULL OR p.crossed_over_on >= t.since)
          AND a.influencer_id = t.influencer_id AND a.platform = %(own)s
          AND s.followers > (
            SELECT max(o.followers)
            FROM influencers_platformaccount b
            CROSS JOIN LATERAL (
                SELECT s2.followers FROM influencers_followersnapshot s2
                WHERE s2.account_id = b.id AND s2.date <= s.date ORDER BY s2.date DESC LIMIT 1
            ) o
            WHERE b.influencer_id = t.influencer_id AND b.platform <> %(own)s
          )
    ) h ON true
) v
WHERE i.id = v.influencer_id AND i.id = ANY(%(ids)s::bigint[])
  AND (i.total_followers, i.crossed_over_on) IS DISTINCT FROM (v.total, v.crossed)
"""


def refresh_followers(account_ids: Iterable[int], since: dict[int, dt.date]) -> None:
    """Bring the cached follower fields up to date after snapshots changed.

    ``account_ids``: accounts whose snapshots changed; ``since``: influencer id → the earliest
    date whose snapshots (or accounts) changed (``dt.date.min`` to recompute everything).
    """
    refresh_accounts(account_ids)
    _refresh_influencers(since)


def refresh_accounts(account_ids: Iterable[int]) -> None:
    """Each account's cached count and date from its latest snapshot."""
    account_ids = sorted(set(account_ids))
    if account_ids and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_ACCOUNTS_SQL, {"now": timezone.now(), "ids": account_ids})
    elif account_ids:
        _refresh_accounts_portable(account_ids)


def _refresh_influencers(since: dict[int, dt.date]) -> None:
    """Totals and crossover of these influencers from their accounts' cached counts (already
    up to date), copied to the relationships that share their profile; listeners are told."""
    influencer_ids = sorted(since)
    if not influencer_ids:
        return
    if connection.vendor == "postgresql":
        params = {"ids": pg_array(influencer_ids), "since": pg_array([since[i] for i in influencer_ids])}
        with bulk_cursor() as cursor:
            cursor.execute(_INFLUENCERS_SQL, {**params, "own": OWN_PLATFORM, "now": timezone.now()})
    else:
        _refresh_influencers_portable(since)
    sync_shared_profiles(influencer_ids)
    from .gains import refresh_week_gains
    from .signals import followers_refreshed

    refresh_week_gains(influencer_ids=influencer_ids)

    followers_refreshed.send(sender=Influencer, influencer_ids=influencer_ids)


# --- the refresh queue: influencer figures after a bulk batch ----------------------------------

# A batch of a daily feed touches thousands of influencers: rewriting each one's row (16 indexes,
# the update cannot stay on the page) cost more than writing the batch itself. The batch queues
# them in its own transaction instead (``FollowerRefresh``), and a worker refreshes them right
# after it commits; the beat drains the queue every minute too, in case that task was lost.
DRAIN_BATCH = 5_000

# Claim up to ``limit`` queued influencers, skipping those another worker holds: they leave the
# queue when this transaction commits, after their figures were written in it.
_CLAIM_SQL = """
DELETE FROM influencers_followerrefresh
WHERE influencer_id IN (
    SELECT influencer_id FROM influencers_followerrefresh ORDER BY influencer_id LIMIT %s FOR UPDATE SKIP LOCKED
)
RETURNING influencer_id, since
"""


def queue_follower_refresh() -> None:
    """After a batch committed: hand its queued influencers to a worker. With the broker away
    they wait in the queue for the beat's drain."""
    from .tasks import refresh_queued_followers

    try:
        refresh_queued_followers.delay()
    except Exception as error:  # noqa: BLE001 - kombu's OperationalError and socket errors alike
        log.warning("followers: could not queue the refresh (%s); the beat's drain will run it", error)


def _queue_portable(since: dict[int, dt.date]) -> None:
    queued = dict(FollowerRefresh.objects.filter(pk__in=since).values_list("pk", "since"))
    FollowerRefresh.objects.bulk_create(
        [FollowerRefresh(influencer_id=pk, since=min(day, queued.get(pk, day))) for pk, day in since.items()],
        update_conflicts=True,
        unique_fields=["influencer"],
        update_fields=["since"],
    )


def drain_follower_refreshes(*, limit: int = DRAIN_BATCH) -> int:
    """Refresh the figures of queued influencers, ``limit`` per transaction, until the queue is
    empty (or held by other workers). Returns how many were refreshed."""
    done = 0
    while True:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(_CLAIM_SQL, [limit])
                    since = dict(cursor.fetchall())
            else:  # SQLite: the transaction's write lock serialises workers
                since = dict(FollowerRefresh.objects.order_by("pk").values_list("pk", "since")[:limit])
                FollowerRefresh.objects.filter(pk__in=since).delete()
            _refresh_influencers(since)
        done += len(since)
        if len(since) < limit:
            return done


def sync_shared_profiles(home_ids: Iterable[int]) -> int:
    """Copy the cached public figures (totals, crossover, home platform, joining date) of these
    home records to the relationships of other country teams that share their profile: one
    UPDATE, whatever the number of records; rows already equal are not touched.

    Across the scope (the plain base manager): a team refreshing its creator's followers keeps
    the other teams' copies right although it cannot read those rows.
    """
    home_ids = list(home_ids)
    if not home_ids:
        return 0
    home = Influencer._base_manager.filter(pk=OuterRef("profile_id"))
    return Influencer._base_manager.filter(profile_id__in=home_ids).update(
        **{name: Subquery(home.values(name)[:1]) for name in PUBLIC_PROFILE_FIELDS}, updated_at=timezone.now()
    )


def _refresh_accounts_portable(account_ids: list[int]) -> None:
    latest = FollowerSnapshot.objects.filter(account_id=OuterRef("pk")).order_by("-date")
    PlatformAccount.objects.filter(pk__in=account_ids).update(
        followers=Coalesce(Subquery(latest.values("followers")[:1]), 0),
        followers_on=Subquery(latest.values("date")[:1]),
        updated_at=timezone.now(),
    )


def _refresh_influencers_portable(since: dict[int, dt.date]) -> None:
    now = timezone.now()
    totals = PlatformAccount.objects.filter(influencer_id=OuterRef("pk")).order_by().values("influencer_id")
    Influencer.objects.filter(pk__in=since).update(
        total_followers=Coalesce(Subquery(totals.annotate(total=Sum("followers")).values("total")[:1]), 0),
        updated_at=now,
    )
    for influencer in Influencer.objects.filter(pk__in=since).only("pk", "crossed_over_on"):
        start = since[influencer.pk]
        if influencer.crossed_over_on is not None and influencer.crossed_over_on < start:
            continue
        day = first_crossover(influencer.pk, start)
        if day != influencer.crossed_over_on:
            Influencer.objects.filter(pk=influencer.pk).update(crossed_over_on=day, updated_at=now)


def first_crossover(influencer_id: int, start: dt.date = dt.date.min) -> dt.date | None:
    """The first date from ``start`` on when our platform's account led every other one."""
    series: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    own: set[int] = set()
    for account_id, platform, day, followers in (
        FollowerSnapshot.objects.filter(account__influencer_id=influencer_id)
        .order_by("date")
        .values_list("account_id", "account__platform", "date", "followers")
    ):
        series[account_id].append((day, followers))
        if platform == OWN_PLATFORM:
            own.add(account_id)
    others = [points for account_id, points in series.items() if account_id not in own]
    candidates = sorted((day, n) for account_id in own for day, n in series[account_id] if day >= start)
    for day, followers in candidates:
        known = [max((p for p in points if p[0] <= day), default=None) for points in others]
        values = [p[1] for p in known if p is not None]
        if values and followers > max(values):
            return day
    return None


# --- reading -----------------------------------------------------------------------------------


def growth_baseline(cutoff):
    """An expression on accounts: followers at the latest snapshot on ``cutoff`` or earlier, or
    at the first snapshot when none is that old (growth since we first counted). ``cutoff`` is
    a date or an expression such as ``OuterRef`` to each account's own country's day."""
    snapshots = FollowerSnapshot.objects.filter(account_id=OuterRef("pk"))
    older = snapshots.filter(date__lte=cutoff).order_by("-date").values("followers")[:1]
    first = snapshots.order_by("date").values("followers")[:1]
    return Coalesce(Subquery(older), Subquery(first))


def with_growth(accounts: QuerySet, *, now: dt.datetime | None = None) -> QuerySet:
    """Accounts with ``baseline``, the figure their ``GROWTH_DAYS`` growth counts from: days of
    the country that keeps the account, as its snapshots' dates are."""
    return accounts.alias(growth_from=local_date("influencer__country__timezone", now=now, days=-GROWTH_DAYS)).annotate(
        baseline=growth_baseline(OuterRef("growth_from"))
    )
