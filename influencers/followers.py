"""Follower counts: bulk ingestion by (platform, handle, date), cached totals, growth, crossover.

Guarantees of ``ingest_follower_rows``: all-or-nothing, errors name ``rows[i].field``; rows
upsert on (account, date), so a replay changes nothing; when it returns, each touched account's
``followers``/``followers_on`` equal its latest snapshot, and each touched influencer is queued
(in the batch's transaction) for the refresh of the figures derived from them, which a worker
runs as soon as the batch commits (``drain_follower_refreshes``): ``total_followers`` the sum
over their accounts, ``crossed_over_on`` the first date our platform's account had more
followers than their largest other account had by then, the week's gain, the copies shared with
other teams and crossover notices. One audit entry per batch. Set-based SQL on PostgreSQL, a
portable ORM path elsewhere. Single counts (``follower_snapshot_save``: the portal, the API's
one-row writes) refresh everything before they return.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from opsportal.audit import batch_country, record_batch
from opsportal.db import Source, bulk_cursor, pg_array
from opsportal.ingest import IngestResult, RowErrors, TooManyRows, check_batch, parse_count
from opsportal.timecheck import DAY_AHEAD, day_ahead

from .models import (
    OWN_PLATFORM,
    PUBLIC_PROFILE_FIELDS,
    FollowerRefresh,
    FollowerSnapshot,
    Influencer,
    Platform,
    PlatformAccount,
)

GROWTH_DAYS = 30
ROW_FIELDS = frozenset({"platform", "handle", "date", "followers", "source"})
# TextChoices.values builds a new list on every access: a 10,000-row batch asks 30,000 times.
PLATFORMS = frozenset(Platform.values)
SOURCES = frozenset(Source.values)

__all__ = ["IngestResult", "TooManyRows", "drain_follower_refreshes", "ingest_follower_rows", "refresh_followers"]

log = logging.getLogger(__name__)


def _parse_date(value) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


_UNSEEN = object()


def _parse_follower_rows(rows: list, errors: RowErrors) -> list[tuple]:
    parsed, seen = [], {}
    now = timezone.now()
    days: dict = {}  # a feed's batch carries one or a few dates: each is parsed and judged once
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            errors.add(index, None, _("Each row is an object."))
            continue
        for key in row.keys() - ROW_FIELDS:
            errors.add(index, str(key), _("Unknown field."))
        platform = row.get("platform")
        platform = platform.strip().lower() if isinstance(platform, str) else None
        if platform not in PLATFORMS:
            errors.add(index, "platform", _("One of: %(choices)s.") % {"choices": ", ".join(Platform.values)})
        handle = row.get("handle")
        handle = handle.strip().lstrip("@") if isinstance(handle, str) else ""
        if not handle or len(handle) > 100 or "\x00" in handle:  # PostgreSQL text cannot hold NUL
            errors.add(index, "handle", _("Give the account's handle."))
        text = row.get("date")
        day = days.get(text, _UNSEEN) if isinstance(text, str) else _UNSEEN
        if day is _UNSEEN:
            day = _parse_date(text)
            day = (day, day is not None and day_ahead(day, now))
            if isinstance(text, str):
                days[text] = day
        day, ahead = day
        if day is None:
            errors.add(index, "date", _("Give a date as YYYY-MM-DD."))
        elif ahead:
            errors.add(index, "date", str(DAY_AHEAD))
            day = None
        followers = parse_count(row.get("followers"))
        if followers is None:
            errors.add(index, "followers", _("Give a whole number, zero or more."))
        source = row.get("source", Source.API)
        if not isinstance(source, str) or source not in SOURCES:
            errors.add(index, "source", _("One of: %(choices)s.") % {"choices": ", ".join(Source.values)})
        if platform not in PLATFORMS or not handle or day is None or followers is None:
            continue
        key = (platform, handle.lower(), day)
        if key in seen:
            errors.add(index, "date", _("Same account and date as row %(row)d.") % {"row": seen[key]})
            continue
        seen[key] = index
        parsed.append((index, *key, followers, source))
    return parsed


# LATERAL … LIMIT 1 (the key is unique) keeps this at one index probe per row: as a plain join,
# PostgreSQL would rather hash every account of every country than probe 10,000 times.
_RESOLVE_SQL = """
SELECT t.platform, t.handle, a.id, a.influencer_id, i.country_id
FROM unnest(%s::varchar[], %s::varchar[]) AS t(platform, handle)
CROSS JOIN LATERAL (
    SELECT a.id, a.influencer_id FROM influencers_platformaccount a
    WHERE a.platform = t.platform AND lower(a.handle) = lower(t.handle) LIMIT 1
) a
JOIN influencers_influencer i ON i.id = a.influencer_id
"""


def _account_ids(keys: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, int, int]]:
    """(platform, lowercased handle) → (account id, influencer id, country id), in one query."""
    if connection.vendor == "postgresql":
        platforms, handles = zip(*keys, strict=True) if keys else ((), ())
        with bulk_cursor() as cursor:
            cursor.execute(_RESOLVE_SQL, [pg_array(platforms), pg_array(handles)])
            return {(platform, handle): hit for platform, handle, *hit in cursor.fetchall()}
    rows = (
        PlatformAccount.objects.annotate(handle_lower=Lower("handle"))
        .filter(platform__in={k[0] for k in keys}, handle_lower__in={k[1] for k in keys})
        .values_list("platform", "handle_lower", "pk", "influencer_id", "influencer__country_id")
    )
    return {(platform, handle): tuple(hit) for platform, handle, *hit in rows if (platform, handle) in keys}


def _resolve_accounts(parsed: list[tuple], access, errors: RowErrors) -> list[tuple]:
    """(account id, influencer id, country id, date, followers, source) per row; one query.

    With ``access``, accounts of countries the caller cannot see are unknown, and those of
    countries they may only read are refused.
    """
    from opsportal.access import Perm

    known = _account_ids({(row[1], row[2]) for row in parsed})
    visible = editable = None
    if access is not None:
        visible, editable = access.country_ids(), access.country_ids(Perm.EDIT)
    resolved = []
    for index, platform, handle, day, followers, source in parsed:
        hit = known.get((platform, handle))
        if hit is None or (visible is not None and hit[2] not in visible):
            errors.add(
                index, "handle", _("No %(platform)s account @%(handle)s.") % {"platform": platform, "handle": handle}
            )
        elif editable is not None and hit[2] not in editable:
            errors.add(index, "handle", _("You may not write follower counts for @%(handle)s.") % {"handle": handle})
        else:
            resolved.append((*hit, day, followers, source))
    return resolved


# One statement per batch: find each row's account by (platform, handle) on the unique index,
# upsert the snapshots, counting created (key absent before) and updated rows, and move each account's
# cached count to the batch's latest row when it is at least as recent as the cached one (rows
# are only added or changed here, so the latest is the later of the two). Each touched
# influencer is queued for the refresh of their figures with the earliest date changed. Rows whose
# account is unknown or not editable drop out of ``input``: the caller compares ``matched`` with
# the batch and rolls back when they differ. LATERAL … LIMIT 1 (the key is unique) keeps the
# lookup at one index probe per row: as a plain join, PostgreSQL would rather hash every account.
_UPSERT_SQL = """
WITH input AS (
    SELECT a.id AS account_id, a.influencer_id, a.country_id, a.followers_on, t.date, t.followers, t.source
    FROM unnest(%(platforms)s::varchar[], %(handles)s::varchar[], %(dates)s::date[], %(followers)s::bigint[],
                %(sources)s::varchar[]) AS t(platform, handle, date, followers, source)
    CROSS JOIN LATERAL (
        SELECT a.id, a.influencer_id, a.followers_on, i.country_id FROM influencers_platformaccount a
        JOIN influencers_influencer i ON i.id = a.influencer_id
        WHERE a.platform = t.platform AND lower(a.handle) = lower(t.handle) LIMIT 1
    ) a
    WHERE %(editable)s::bigint[] IS NULL OR a.country_id = ANY(%(editable)s::bigint[])
), written AS (
    INSERT INTO influencers_followersnapshot AS s (account_id, date, followers, source, recorded_at)
    SELECT account_id, date, followers, source, %(now)s FROM input
    ON CONFLICT (account_id, date) DO UPDATE SET
        followers = EXCLUDED.followers, source = EXCLUDED.source, recorded_at = EXCLUDED.recorded_at
    WHERE s.followers IS DISTINCT FROM EXCLUDED.followers
    RETURNING account_id, date
), marked AS (
    -- Created: the key was not there before this statement (every part of it sees the same
    -- snapshot); PostgreSQL 15 refuses ``xmax`` in RETURNING from a partitioned table. A row
    -- dated after its account's cached latest count cannot have been there (a daily feed's
    -- rows): only the others are probed.
    SELECT CASE WHEN i.date > i.followers_on THEN true ELSE NOT EXISTS (
        SELECT 1 FROM influencers_followersnapshot o WHERE o.account_id = w.account_id AND o.date = w.date
    ) END AS created
    FROM written w JOIN input i USING (account_id, date)
), latest AS (
    SELECT DISTINCT ON (account_id) account_id, date, followers FROM input ORDER BY account_id, date DESC
), counts AS (
    UPDATE influencers_platformaccount AS a SET followers = l.followers, followers_on = l.date, updated_at = %(now)s
    FROM latest l
    WHERE a.id = l.account_id
      AND (a.followers_on IS NULL OR l.date >= a.followers_on)
      AND (a.followers, a.followers_on) IS DISTINCT FROM (l.followers, l.date)
    RETURNING 1
), queued AS (
    INSERT INTO influencers_followerrefresh AS q (influencer_id, since)
    SELECT i.influencer_id, min(w.date) FROM written w JOIN input i USING (account_id, date)
    GROUP BY i.influencer_id
    ON CONFLICT (influencer_id) DO UPDATE SET since = least(q.since, EXCLUDED.since)
    WHERE EXCLUDED.since < q.since
    RETURNING 1
)
SELECT (SELECT count(*) FROM input),
       (SELECT count(*) FILTER (WHERE created) FROM marked),
       (SELECT count(*) FILTER (WHERE NOT created) FROM marked),
       (SELECT count(*) FROM latest),
       (SELECT CASE WHEN min(country_id) = max(country_id) THEN min(country_id) END FROM input),
       (SELECT count(*) FROM queued)
"""


@dataclass(frozen=True)
class _Written:
    matched: int  # rows whose account was found and may be written
    created: int
    updated: int
    accounts: int
    country_id: int | None  # the batch's one country, if it has only one
    queued: int  # influencers queued (or moved earlier) for a refresh of their figures


def _upsert_postgresql(parsed: Sequence[tuple], editable: set[int] | None) -> _Written:
    columns = [pg_array([row[i] for row in parsed]) for i in range(1, 6)]
    params = dict(zip(("platforms", "handles", "dates", "followers", "sources"), columns, strict=True))
    params["editable"] = None if editable is None else pg_array(sorted(editable))
    params["now"] = timezone.now()
    with bulk_cursor() as cursor:
        cursor.execute(_UPSERT_SQL, params)
        return _Written(*cursor.fetchone())


def _upsert_portable(rows: Sequence[tuple]) -> tuple[int, int, list[tuple[int, dt.date]]]:
    existing = {
        (s.account_id, s.date): s
        for s in FollowerSnapshot.objects.filter(account_id__in={r[0] for r in rows}, date__in={r[1] for r in rows})
    }
    new, changed, touched = [], [], []
    now = timezone.now()
    for account_id, day, followers, source in rows:
        current = existing.get((account_id, day))
        if current is None:
            new.append(FollowerSnapshot(account_id=account_id, date=day, followers=followers, source=source))
        elif current.followers != followers:
            current.followers, current.source, current.recorded_at = followers, source, now
            changed.append(current)
        else:
            continue
        touched.append((account_id, day))
    FollowerSnapshot.objects.bulk_create(new, batch_size=500)
    FollowerSnapshot.objects.bulk_update(changed, ["followers", "source", "recorded_at"], batch_size=500)
    return len(new), len(changed), touched


def ingest_follower_rows(rows, *, access=None) -> IngestResult:
    """Upsert a batch of follower rows addressed by (platform, handle, date).

    ``access`` limits the accounts to those the caller may edit (None: a trusted command).
    Raises ValidationError naming ``rows[i].field`` (nothing written) or TooManyRows.
    """
    check_batch(rows)
    errors = RowErrors()
    parsed = _parse_follower_rows(rows, errors)
    errors.raise_if_any()
    if connection.vendor != "postgresql":
        return _ingest_portable(parsed, access, errors)
    from opsportal.access import Perm

    # Optimistic: one statement resolves and writes; a batch naming an unknown or forbidden
    # account is rolled back, and only then are its rows looked up one by one to name them.
    editable = None if access is None else access.country_ids(Perm.EDIT)
    with transaction.atomic():
        written = _upsert_postgresql(parsed, editable)
        if written.matched == len(parsed):
            # The one statement moved the accounts' counts and queued the influencers.
            if written.queued:
                transaction.on_commit(queue_follower_refresh)
            result = IngestResult(written.created, written.updated, written.matched - written.created - written.updated)
            _record(result, written.accounts, written.country_id)
            return result
        transaction.set_rollback(True)
    _resolve_accounts(parsed, access, errors)
    errors.raise_if_any()
    # Every row resolves now: an account appeared or changed between the two statements.
    raise ValidationError({"rows": [_("The accounts changed while this batch was written; send it again.")]})


def _ingest_portable(parsed: list[tuple], access, errors: RowErrors) -> IngestResult:
    resolved = _resolve_accounts(parsed, access, errors)
    errors.raise_if_any()
    influencer_of = {row[0]: row[1] for row in resolved}
    writes = [(row[0], row[3], row[4], row[5]) for row in resolved]
    with transaction.atomic():
        created, updated, touched = _upsert_portable(writes)
        since: dict[int, dt.date] = {}
        for account_id, day in touched:
            influencer_id = influencer_of[account_id]
            since[influencer_id] = min(day, since.get(influencer_id, day))
        refresh_accounts({account_id for account_id, _day in touched})
        if since:
            _queue_portable(since)
            transaction.on_commit(queue_follower_refresh)
        result = IngestResult(created, updated, len(writes) - created - updated)
        _record(result, len(influencer_of), batch_country({row[2] for row in resolved}))
    return result


def _record(result: IngestResult, accounts: int, country_id: int | None) -> None:
    """One audit entry for the batch, on its country when it has only one."""
    record_batch(
        "bulk_upsert",
        FollowerSnapshot,
        summary=_("%(rows)d follower rows: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
        % result.as_dict(),
        country=country_id,
        details={**result.as_dict(), "accounts": accounts},
    )


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


def growth_baseline(days: int = GROWTH_DAYS, *, today: dt.date | None = None, cutoff: dt.date | None = None):
    """An expression on accounts: followers at the latest snapshot ``days`` ago or earlier, or at
    the first snapshot when none is that old (growth since we first counted)."""
    cutoff = cutoff or (today or timezone.localdate()) - dt.timedelta(days=days)
    snapshots = FollowerSnapshot.objects.filter(account_id=OuterRef("pk"))
    older = snapshots.filter(date__lte=cutoff).order_by("-date").values("followers")[:1]
    first = snapshots.order_by("date").values("followers")[:1]
    return Coalesce(Subquery(older), Subquery(first))


# --- one snapshot at a time: the API's single-row writes and counts typed in the portal -----


def _refresh_after(changes) -> None:
    """Refresh accounts and influencers after single snapshots changed: [(account_id, date), ...]."""
    changes = [c for c in changes if c]
    owners = dict(PlatformAccount.objects.filter(pk__in={a for a, _d in changes}).values_list("pk", "influencer_id"))
    since: dict[int, dt.date] = {}
    for account_id, day in changes:
        influencer_id = owners[account_id]
        since[influencer_id] = min(day, since.get(influencer_id, day))
    refresh_followers(owners.keys(), since)


@transaction.atomic
def follower_snapshot_save(snapshot: FollowerSnapshot, *, before: FollowerSnapshot | None = None) -> FollowerSnapshot:
    """Validate and save one follower count; the account's latest count, the influencer's total
    and crossover follow. One audit entry on the snapshot names the old and new values (read
    from the database unless the caller holds them)."""
    created = snapshot.pk is None
    if before is None and not created:
        before = FollowerSnapshot.objects.filter(pk=snapshot.pk).first()
    snapshot.full_clean()
    snapshot.save()
    _refresh_after([(snapshot.account_id, snapshot.date), before and (before.account_id, before.date)])
    details = {"id": snapshot.pk, "account": snapshot.account_id, "date": snapshot.date.isoformat()}
    details["followers"] = snapshot.followers
    if before is not None:
        details["before"] = {"followers": before.followers, "date": before.date.isoformat(), "source": before.source}
    record_batch(
        "create" if created else "update",
        FollowerSnapshot,
        summary=f"{'create' if created else 'update'} {snapshot}",
        country=PlatformAccount.objects.filter(pk=snapshot.account_id).values_list("influencer__country_id", flat=True)[
            0
        ],
        object_id=snapshot.pk,
        details=details,
    )
    return snapshot


@transaction.atomic
def follower_snapshot_delete(snapshot: FollowerSnapshot) -> None:
    country_id = PlatformAccount.objects.filter(pk=snapshot.account_id).values_list(
        "influencer__country_id", flat=True
    )[0]
    pk = snapshot.pk
    snapshot.delete()
    _refresh_after([(snapshot.account_id, snapshot.date)])
    record_batch(
        "delete",
        FollowerSnapshot,
        summary=f"delete {snapshot}",
        country=country_id,
        object_id=pk,
        details={"id": pk, "account": snapshot.account_id, "followers": snapshot.followers},
    )


@transaction.atomic
def follower_count_type(account: PlatformAccount, *, date: dt.date, followers: int) -> FollowerSnapshot:
    """A follower count typed by hand (source "typed"): one per account and day, so typing the
    same day again corrects it, and the audit entry keeps the number it replaced."""
    current = FollowerSnapshot.objects.select_for_update().filter(account=account, date=date).first()
    before = None
    if current is None:
        current = FollowerSnapshot(account=account, date=date)
    else:
        before = FollowerSnapshot(
            pk=current.pk, account_id=current.account_id, date=current.date, followers=current.followers
        )
        before.source = current.source
    current.followers = followers
    current.source = Source.MANUAL
    return follower_snapshot_save(current, before=before)
